"""The map of the demo county's 2023 evaluation, on each backend: every parcel of an
enterprise evaluated is drawn in its enterprise's class colour, the others grey; the legend
counts each class's enterprises, parcels and 亩; popups link the evaluation's table and
the parcel's case; the texts follow the language asked."""

from __future__ import annotations

import html
import re
from typing import Any

import folium

from landgis.db.repository import zones_frame
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.rules import EfficiencyRules
from landgis.maps import labels_in, render
from landgis.maps.efficiency import efficiency_map
from landgis.maps.styles import CLASS_COLOURS
from landgis.parcels import parcels_frame
from landgis.units import m2_to_mu


def _class_layers(fmap: folium.Map) -> dict[str, folium.GeoJson]:
    """The map's parcel overlays by class key (from each layer's style)."""
    layers = {}
    for child in fmap._children.values():
        if isinstance(child, folium.GeoJson) and child.data["features"]:
            style = child.style_function(child.data["features"][0])
            found = re.search(r"landgis-class-(\w+)", style.get("className", ""))
            if found:
                layers[found.group(1)] = child
    return layers


def _fills(fmap: folium.Map) -> dict[str, str]:
    """Each parcel's fill colour, by parcel code, as the map's GeoJSON layers draw it."""
    fills: dict[str, str] = {}
    for layer in _class_layers(fmap).values():
        for feature in layer.data["features"]:
            assert feature["id"] not in fills, "a parcel is drawn once"
            fills[feature["id"]] = layer.style_function(feature)["fillColor"]
    return fills


def _map(session, lang: str = "zh") -> tuple[folium.Map, Any]:
    evaluation = evaluate(session, EfficiencyRules(), 2023)
    fmap = efficiency_map(
        parcels_frame(session), zones_frame(session), evaluation, labels=labels_in(lang)
    )
    return fmap, evaluation


def test_each_parcel_is_drawn_in_its_enterprises_class_colour_the_others_grey(session):
    fmap, evaluation = _map(session)
    fills = _fills(fmap)
    parcels = parcels_frame(session)

    expected = {
        code: CLASS_COLOURS[grade]
        for codes, grade in zip(
            evaluation.items["parcel_codes"], evaluation.items["class"], strict=True
        )
        for code in codes
    }
    assert len(expected) > 60
    assert {code: fills[code] for code in expected} == expected
    others = set(parcels["parcel_code"]) - set(expected)
    assert others and {fills[code] for code in others} == {CLASS_COLOURS["none"]}
    assert set(fills) == set(parcels["parcel_code"])
    assert set(_class_layers(fmap)) == {"A", "B", "C", "D", "none"}


def test_the_legend_counts_each_classs_enterprises_parcels_and_mu(session):
    fmap, evaluation = _map(session)
    page = html.unescape(render(fmap))
    parcels = parcels_frame(session).set_index("parcel_code")
    items = evaluation.items

    assert evaluation.class_counts() == {"A": 22, "B": 15, "C": 16, "D": 13}
    for grade, count in evaluation.class_counts().items():
        held = items.loc[items["class"] == grade, "parcel_codes"]
        codes = [code for codes in held for code in codes]
        mu = float(m2_to_mu(parcels.loc[codes, "area_m2"].sum()))
        assert f"{count} 家企业 · {len(codes)} 宗 · {mu:,.2f} 亩" in page
    assert "2023 年度亩均效益分类图" in page and "亩均效益分类" in page


def test_popups_link_the_evaluation_filtered_to_the_enterprise_and_the_case(session):
    fmap, evaluation = _map(session)
    features = {
        f["id"]: f["properties"]
        for layer in _class_layers(fmap).values()
        for f in layer.data["features"]
    }
    parcels = parcels_frame(session).set_index("parcel_code")
    with_case = parcels[parcels["case_no"].notna()].index
    rows = evaluation.items.iterrows()
    evaluated = {code: row for _, row in rows for code in row["parcel_codes"]}
    code = next(c for c in with_case if c in evaluated)
    row, popup = evaluated[code], features[code]["popup"]

    assert f'href="/efficiency?year=2023&amp;q={row["credit_code"]}"' in popup
    assert f'href="/cases/{parcels.at[code, "case_no"]}"' in popup
    assert html.escape(row["name"]) in popup and row["credit_code"] in popup
    assert f"{row['tax_per_mu']:,.2f}" in popup and f"{row['score']:,.2f}" in popup
    assert f"{row['class']} 类" in popup and features[code]["class_label"].startswith(row["class"])
    grey = next(c for c in parcels.index if c not in evaluated and c not in with_case)
    grey_popup = features[grey]["popup"]
    assert "/efficiency?" not in grey_popup and "/cases/" not in grey_popup
    assert features[grey]["class_label"] == "无亩均数据"


def test_in_english(session):
    fmap, _evaluation = _map(session, "en")
    page = html.unescape(render(fmap))

    assert "无亩均数据" not in page and "亩均效益分类" not in page

"""The coordinate systems the import form offers: every CGCS2000 Gauss-Kruger zone over
China (3° and 6°, with and without the zone number before the easting) and the two
longitude/latitude systems, each named after what pyproj knows of its code, in Chinese and
in English; over HTTP (no browser), on the import page in both languages."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from pyproj import CRS

from api.main import create_app
from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.io.crs_choices import crs_choices, listed_crs
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user

PASSWORD = "choices-password"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
OPTION = re.compile(r'<option value="(EPSG:\d+)"(?: selected)?>([^<]*)</option>')
GROUP = re.compile(r'<optgroup label="([^"]*)">')


def _codes() -> list[str]:
    return [c.code for group in crs_choices() for c in group.choices]


def test_every_zone_is_listed_once_under_its_group():
    groups = crs_choices()
    assert [len(g.choices) for g in groups] == [2, 21, 21, 11, 11]
    codes = _codes()
    assert len(set(codes)) == len(codes)
    expected = {4490, 4326} | set(range(4491, 4555))  # 6° 4491–4512, 3° 4513–4554
    assert {int(code.split(":")[1]) for code in codes} == expected


@pytest.mark.parametrize("group", [1, 2, 3, 4])
def test_each_zone_is_named_as_pyproj_knows_its_code(group):
    for choice in crs_choices()[group].choices:
        crs = CRS.from_user_input(choice.code)
        name = crs.name  # e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 105E" or "… zone 35"
        meridian = round(crs.coordinate_operation.params[1].value)
        width = 3 if "3-degree" in name else 6
        zh, en = choice.label.render("zh"), choice.label.render("en")
        assert f"{width}° 带 中央经线 {meridian}°E" in zh, (name, zh)
        assert f"central meridian {meridian}°E" in en and f"({choice.code})" in en, (name, en)
        zone = re.search(r"zone (\d+)$", name)
        if zone:  # the zone number prefixed to the easting
            assert f"带号 {zone[1]} 在横坐标前" in zh and f"zone {zone[1]}," in en
            assert crs.coordinate_operation.params[3].value == int(zone[1]) * 1e6 + 500_000
        else:
            assert name.endswith(f"CM {meridian}E") and "带号" not in zh
            assert crs.coordinate_operation.params[3].value == 500_000
        assert not CJK.search(en), en


def test_the_two_geographic_systems_come_first():
    first = crs_choices()[0]
    assert [c.code for c in first.choices] == ["EPSG:4490", "EPSG:4326"]
    assert [c.label.render("zh") for c in first.choices] == [
        "CGCS2000 经纬度(EPSG:4490)",
        "WGS84 经纬度(EPSG:4326)",
    ]
    assert CRS.from_user_input("EPSG:4490").name == "China Geodetic Coordinate System 2000"


@pytest.mark.parametrize(
    ("typed", "code"),
    [("EPSG:4544", "EPSG:4544"), ("epsg:4523", "EPSG:4523"), ("4490", "EPSG:4490")],
)
def test_a_typed_code_finds_its_entry(typed, code):
    listed = listed_crs(typed)
    assert listed is not None and listed.code == code


@pytest.mark.parametrize("typed", ["EPSG:3857", "", None, "+proj=longlat"])
def test_other_systems_are_not_listed(typed):
    assert listed_crs(typed) is None


@pytest.fixture(scope="module")
def client(databases, form_login):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        create_user(session, "editor1", PASSWORD, role="editor")
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, secret_key="choices-secret" * 3)
    with TestClient(create_app(settings)) as test_client:
        test_client.headers["X-CSRF-Token"] = form_login(test_client, "editor1", PASSWORD)
        yield test_client


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_import_form_offers_every_choice_in_the_pages_language(client, lang):
    page = client.get("/import", params={"lang": lang})
    assert page.status_code == 200
    html = unescape(page.text)
    select = html[
        html.index('<select name="crs"') : html.index("</select>", html.index('name="crs"'))
    ]
    options = OPTION.findall(select)
    assert [code for code, _label in options] == _codes()
    expected = [c.label.render(lang) for g in crs_choices() for c in g.choices]
    assert [label for _code, label in options] == expected
    groups = GROUP.findall(select)
    assert groups[:-1] == [g.label.render(lang) for g in crs_choices()]
    assert len(groups) == len(crs_choices()) + 1  # and "other", typed in
    assert '<option value="" selected>' in select  # the file's own, unless chosen
    assert '<option value="other">' in select
    if lang == "en":
        assert not CJK.search(select), "Chinese in the English select"
        assert "CGCS2000 3° zone, central meridian 105°E (EPSG:4544)" in select
        assert (
            "CGCS2000 3° zone 35, central meridian 105°E, zone number before the easting "
            "(EPSG:4523)"
        ) in select
    else:
        assert "CGCS2000 3° 带 中央经线 105°E(EPSG:4544)" in select
        assert "CGCS2000 3° 带 中央经线 105°E,带号 35 在横坐标前(EPSG:4523)" in select
        assert "CGCS2000 6° 带 中央经线 105°E,带号 18 在横坐标前(EPSG:4496)" in select


def test_a_file_no_longer_staged_cannot_be_checked_again(client):
    page = client.post(
        f"/import/{'x' * 24}/check",
        params={"lang": "zh"},
        files={"mapping": ("m.json", b"{}")},
        data={"crs": "4490"},
    )
    assert page.status_code == 404
    assert "这个导入文件已失效(已导入或已过期),请重新上传。" in unescape(page.text)
    assert 'id="import-form"' in page.text

"""The map of a project's candidates over HTTP (``/api/maps/project.html``), on a demo
county of each backend with a standard factory of two vacant units added to the demo's
own: every candidate the API ranks (the open cases, the added building and the demo's
standard buildings with vacant units) drawn in the band of its score, its popup with the
score's parts, their reasons and a link to the case or the building, in the language
asked; 404 for an unknown project, 409 for one with no need; the project's page embeds
the map."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from landgis.db.models import Building, Case
from landgis.db.session import transaction
from landgis.space.units import UnitSpec, add_units

MAP = "/api/maps/project.html"
FIELDS = {
    "name": "年产 2 万吨功能性食品项目",
    "investor": "四川禾康健康食品有限公司",
    "industry": "食品",
    "land_need_mu": 30,
    "floor_need_m2": 1800,
    "preferred_zones": ["青溪经济开发区"],
}
# The demo's open cases offered to a project (by hand: see tests/db/test_projects.py),
# with the score each has for 30 亩 of 食品 and the band it falls in.
BANDS = {
    "QX-XZ-2023-013": (86.2, "high"),
    "QX-XZ-2023-010": (77.5, "medium"),
    "QX-XZ-2023-012": (75.7, "medium"),
    "QX-XZ-2023-009": (45.0, "low"),
    "QX-XZ-2023-011": (40.3, "low"),
}
# The demo's standard buildings with vacant units not promised to a lease signed ahead, by
# hand from data/geo/demo_county/building_units.csv and leases.csv (3号楼's 1F is promised
# to ZL-2027-001, A4栋 is being built), with the best set for 1800 ㎡ (±20 %: 1440-2160 ㎡;
# fewest units, then least area) and its score: all in the park, whose leading industries
# include 健康食品 (食品: 30 points), vacant (30 points).
DEMO_OFFERS = {
    # 1088 + 1088 ㎡, +20.9 %: 40 × (1 - 0.209) / 0.8 = 39.6; 1330 alone is -26.1 %
    "519901001003GB00027 1号楼": ("3F-B、4F-B", 2176.0, 99.6),
    "519901001003GB00027 2号楼": ("3F-B、4F-B", 2176.0, 99.6),  # the same sizes
    "519901001003GB00027 3号楼": ("2F-B、3F-B", 1636.0, 100.0),  # 818 + 818, -9.1 %
    "519901007001GB00017 A1栋": ("2F-A", 1488.0, 100.0),  # -17.3 %
    "519901007001GB00017 A2栋": ("3F-A", 1637.0, 100.0),  # -9.1 %; 1339 is -25.6 %
    "519901007001GB00017 A3栋": ("1F-B", 1507.0, 100.0),  # -16.3 %; 1841 is larger
}
FEATURES = re.compile(r'_add\((\{"features": .*?"type": "FeatureCollection"\})\);')


@pytest.fixture(scope="module")
def site(databases):
    return databases.demo({"ed": "editor"}, tokens=["ed"])


@pytest.fixture(scope="module")
def building_id(site) -> int:
    """The first building outside the ledger, made a standard factory of two vacant units."""
    with transaction(site.engine) as session:
        building = session.scalars(
            select(Building)
            .where(Building.parcel_id.not_in(select(Case.parcel_id)))
            .order_by(Building.id)
        ).first()
        building.kind = "standard"
        add_units(session, building.id, [UnitSpec("1F", 1000.0), UnitSpec("2F", 900.0)])
        return building.id


@pytest.fixture(scope="module")
def client(site):
    with TestClient(create_app(site.settings())) as test_client:
        yield test_client


def _add(client, site, **fields) -> str:
    response = client.post(
        "/api/projects",
        json={"fields": FIELDS | fields, "negotiating_on": "2024-04-01"},
        headers={"Authorization": f"Bearer {site.tokens['ed']}"},
    )
    assert response.status_code == 201, response.text
    return response.json()["project_no"]


def _features(page: str) -> dict[str, dict]:
    """The candidates drawn on the map, by feature id (the layers of zones left out)."""
    found = {}
    for text in FEATURES.findall(page):
        for feature in json.loads(text)["features"]:
            if "band_key" in feature["properties"]:
                found[feature["id"]] = feature["properties"]
    return found


def test_every_candidate_is_drawn_in_its_band_with_its_reasons(client, site, building_id):
    number = _add(client, site)
    ranked = client.get(f"/api/projects/{number}/candidates").json()["items"]
    building = next(item for item in ranked if item["building_id"] == building_id)

    response = client.get(MAP, params={"project": number})

    assert response.status_code == 200
    assert f"<title>招商项目 {number} 候选地块图</title>" in response.text
    policy = response.headers["content-security-policy"]
    nonce = re.search(r"script-src[^;]*'nonce-([^']+)'", policy)
    assert nonce and f'<script nonce="{nonce.group(1)}">' in response.text
    features = _features(response.text)
    assert set(features) == {item["code"] for item in ranked}
    assert set(features) == {*BANDS, building["code"], *DEMO_OFFERS}
    for case_no, (score, band) in BANDS.items():
        assert (features[case_no]["score"], features[case_no]["band_key"]) == (str(score), band)
    offered = {item["code"]: item for item in ranked if item["code"] in DEMO_OFFERS}
    for code, (units, area, score) in DEMO_OFFERS.items():
        assert ("、".join(offered[code]["unit_nos"]), offered[code]["area_m2"]) == (units, area)
        assert (features[code]["score"], features[code]["band_key"]) == (str(score), "high")
        assert f"空置单元 {units} 共 {area:.2f} ㎡" in features[code]["popup"]
    assert (features[building["code"]]["score"], features[building["code"]]["band_key"]) == (
        "100.0",
        "high",
    )
    popup = features["QX-XZ-2023-013"]["popup"]
    assert "用地需求 30.00 亩,闲置面积 44.30 亩,相差 +47.7%,面积偏大" in popup
    assert "<th>面积匹配</th>" in popup and "26.2/40" in popup
    assert 'href="/cases/QX-XZ-2023-013"' in popup
    units = features[building["code"]]["popup"]
    assert f'href="/space/buildings/{building["building_id"]}"' in units
    assert "厂房需求 1800.00 ㎡,空置单元 1F、2F 共 1900.00 ㎡,相差 +5.6%,在 ±20% 以内" in units
    for band in ("high", "medium", "low"):
        assert f"landgis-band-{band}" in response.text


def test_in_english(client, site):
    number = _add(client, site)

    response = client.get(MAP, params={"project": number, "lang": "en"})

    assert response.status_code == 200
    assert f"<title>Candidates of project {number}</title>" in response.text
    popup = _features(response.text)["QX-XZ-2023-013"]["popup"]
    assert "<th>Area fit</th>" in popup and "<th>Industry fit</th>" in popup
    assert "Land need 30.00 mu, idle area 44.30 mu" in popup
    assert "80 and above" in response.text


def test_an_unknown_project_is_404_and_one_without_needs_409(client, site):
    number = _add(client, site, land_need_mu=None, floor_need_m2=None)

    unknown = client.get(MAP, params={"project": "ZS-1999-001"})
    no_need = client.get(MAP, params={"project": number})
    missing = client.get(MAP)

    assert unknown.status_code == 404 and "ZS-1999-001" in unknown.json()["message"]
    assert no_need.status_code == 409 and "未填用地需求" in no_need.json()["message"]
    assert missing.status_code == 422


def test_the_project_page_embeds_the_map(client, site):
    number = _add(client, site)
    none = _add(client, site, land_need_mu=None, floor_need_m2=None)

    page = client.get(f"/projects/{number}", params={"lang": "en"})
    without = client.get(f"/projects/{none}", params={"lang": "zh"})

    assert page.status_code == 200
    assert f'src="/api/maps/project.html?project={number}&amp;lang=en"' in page.text
    assert without.status_code == 200 and "<iframe" not in without.text
    assert "未填用地需求(亩)或厂房需求(㎡)" in without.text

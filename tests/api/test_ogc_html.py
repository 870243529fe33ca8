"""The HTML encoding of OGC API - Features at /ogc, on the demo database of each backend:
every resource as a page when asked with ``f=html`` or by a browser's ``Accept``, JSON
for everyone else, and the links between the two encodings."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user, issue_token

HTML_CLASS = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html"
BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,"
    "image/avif,image/webp,*/*;q=0.8"
}
JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html; charset=utf-8"
PARCEL = "519901001003GB00001"
# path, the JSON media type of the resource, a text its page shows
RESOURCES = (
    ("/ogc", JSON, "landgis 低效闲置工业用地"),
    ("/ogc/conformance", JSON, HTML_CLASS),
    ("/ogc/collections", JSON, "片区 Zones"),
    ("/ogc/collections/parcels", JSON, "宗地 Parcels"),
    ("/ogc/collections/parcels/items", GEOJSON, PARCEL),
    (f"/ogc/collections/parcels/items/{PARCEL}", GEOJSON, "四川宏远新能源科技有限公司"),
)


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def _page(response: Any) -> Any:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == HTML
    return lxml.html.fromstring(response.text)


def _text(element: Any) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def _alternates(page: Any) -> dict[str, str]:
    return {e.get("type"): e.get("href") for e in page.xpath("//head/link[@rel='alternate']")}


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


@pytest.mark.parametrize(("path", "json_type", "shows"), RESOURCES)
def test_every_resource_is_a_page_when_asked_by_f_or_by_a_browser(client, path, json_type, shows):
    for response in (client.get(path, params={"f": "html"}), client.get(path, headers=BROWSER)):
        page = _page(response)
        assert shows in _text(page.body)
        assert response.headers["vary"].startswith("Accept")
        # Its JSON form, linked from the head, is the JSON the resource answers.
        href = _alternates(page)[json_type]
        assert _query(href)["f"] == ["json"]
        answer = client.get(href, headers=BROWSER)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == json_type


@pytest.mark.parametrize(("path", "json_type", "shows"), RESOURCES)
def test_json_stays_the_answer_to_programs(client, path, json_type, shows):
    asked = [
        {},
        {"Accept": "*/*"},
        {"Accept": JSON},
        {"Accept": GEOJSON},
        {"Accept": "application/json, text/html;q=0.5"},
        {"Accept": "text/html;q=0.8, */*"},
    ]
    for headers in asked:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, headers
        assert response.headers["content-type"] == json_type, headers
    # An explicit f wins over the Accept header, both ways.
    assert client.get(path, params={"f": "json"}, headers=BROWSER).headers["content-type"] == (
        json_type
    )
    as_html = client.get(path, params={"f": "html"}, headers={"Accept": JSON})
    assert as_html.headers["content-type"] == HTML


@pytest.mark.parametrize(("path", "json_type", "shows"), RESOURCES)
def test_self_and_alternate_links_follow_the_encoding_returned(client, path, json_type, shows):
    links = client.get(path).json()["links"]
    self_link = next(link for link in links if link["rel"] == "self")
    assert self_link["type"] == json_type
    html = [link for link in links if link["rel"] == "alternate" and link["type"] == "text/html"]
    assert len(html) == 1
    assert _query(html[0]["href"])["f"] == ["html"]
    page = client.get(html[0]["href"])
    assert page.headers["content-type"] == HTML
    assert _alternates(_page(page))[json_type]


def test_an_unknown_format_is_refused_naming_json_and_html(client):
    for path, _json_type, _shows in RESOURCES:
        response = client.get(path, params={"f": "xml"}, headers=BROWSER)
        assert response.status_code == 400, path
        body = response.json()
        assert body["code"] == "InvalidParameterValue"
        assert "f=xml" in body["message"] and "json" in body["message_en"]
        assert "html" in body["message_en"]


def test_the_landing_page_links_to_the_other_pages(client):
    document = client.get("/ogc").json()
    page = _page(client.get("/ogc", params={"f": "html"}))
    assert _text(page.xpath("//h1")[0]) == document["title"]
    assert document["description"] in _text(page.body)
    anchors = {a.get("href") for a in page.xpath("//main//a")}
    assert "http://testserver/ogc/conformance?f=html" in anchors
    assert "http://testserver/ogc/collections?f=html" in anchors
    assert "http://testserver/ogc/api" in anchors


def test_the_conformance_declaration_lists_html(client):
    assert HTML_CLASS in client.get("/ogc/conformance").json()["conformsTo"]
    page = _page(client.get("/ogc/conformance", headers=BROWSER))
    listed = [_text(li) for li in page.xpath("//ul[@id='conformance']/li")]
    assert listed == client.get("/ogc/conformance").json()["conformsTo"]


def test_the_collections_page_has_a_row_per_collection(client):
    document = client.get("/ogc/collections").json()
    page = _page(client.get("/ogc/collections", params={"f": "html"}))
    rows = page.xpath("//table[@id='collections']/tbody/tr")
    assert [row.get("data-collection") for row in rows] == [
        c["id"] for c in document["collections"]
    ]
    for row, collection in zip(rows, document["collections"], strict=True):
        assert collection["title"] in _text(row) and collection["description"] in _text(row)
        bbox = collection["extent"]["spatial"]["bbox"][0]
        assert f"{bbox[0]:.6f}" in _text(row)
        items = row.xpath(".//a[@data-link='items']")[0].get("href")
        assert items.endswith(f"/ogc/collections/{collection['id']}/items?f=html")


def test_a_collection_page_shows_its_extent_crs_and_a_map(client):
    document = client.get("/ogc/collections/parcels").json()
    response = client.get("/ogc/collections/parcels", headers=BROWSER)
    page = _page(response)
    assert _text(page.xpath("//h1")[0]) == document["title"]
    listed = [_text(li) for li in page.xpath("//details[@id='crs']//li")]
    assert listed == document["crs"]
    assert f"{document['extent']['spatial']['bbox'][0][3]:.6f}" in _text(
        page.get_element_by_id("extent")
    )
    _assert_map_under_the_policy(response, page)


def _assert_map_under_the_policy(response: Any, page: Any) -> None:
    """The page draws a map with Leaflet from landgis, its script carrying the nonce of the
    response's policy; nothing comes from elsewhere."""
    assert page.xpath("//div[@id='ogc-map']/div[contains(@class, 'folium-map')]")
    policy = response.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce
    inline = [s for s in page.xpath("//script") if not s.get("src")]
    assert inline and all(s.get("nonce") == nonce.group(1) for s in inline)
    sources = [s.get("src") for s in page.xpath("//script[@src]")]
    sources += [e.get("href") for e in page.xpath("//link[@rel='stylesheet']")]
    assert "/static/vendor/leaflet/leaflet.js" in sources
    assert all(src.startswith("/") for src in sources), sources


def test_a_page_of_items_shows_its_features_a_map_and_paging_links_in_html(client):
    params = {"zone": "QX-KFQ-CC", "limit": 4}
    document = client.get("/ogc/collections/parcels/items", params=params).json()
    response = client.get("/ogc/collections/parcels/items", params={**params, "f": "html"})
    page = _page(response)
    rows = page.xpath("//table[@id='items']/tbody/tr")
    assert [row.get("data-id") for row in rows] == [f["id"] for f in document["features"]]
    for row, feature in zip(rows, document["features"], strict=True):
        holder = row.xpath("./td[@data-property='holder']")[0]
        assert _text(holder) == feature["properties"]["holder"]
        area = row.xpath("./td[@data-property='area_mu']")[0]
        assert _text(area) == f"{feature['properties']['area_mu']:,.2f}"
        link = row.xpath("./td/a")[0].get("href")
        assert link.endswith(f"/ogc/collections/parcels/items/{feature['id']}?f=html")
    headings = [_text(th) for th in page.xpath("//table[@id='items']/thead//th")]
    assert headings[:4] == ["编号", "项目名称", "土地使用权人", "所在园区"]
    assert str(document["numberMatched"]) in _text(page.get_element_by_id("items-count"))
    _assert_map_under_the_policy(response, page)
    assert f'"landgis_tooltip": "{document["features"][0]["id"]}"' in response.text

    # next keeps the query (zone, limit) and asks for HTML; it leads to the next page.
    after = page.xpath("//a[@rel='next']")[0].get("href")
    assert _query(after)["f"] == ["html"] and _query(after)["zone"] == ["QX-KFQ-CC"]
    json_next = next(link for link in document["links"] if link["rel"] == "next")["href"]
    second = _page(client.get(after))
    assert [r.get("data-id") for r in second.xpath("//table[@id='items']/tbody/tr")] == [
        f["id"] for f in client.get(json_next).json()["features"]
    ]
    back = second.xpath("//a[@rel='prev']")[0].get("href")
    assert _query(back)["f"] == ["html"]
    first_again = _page(client.get(back)).xpath("//table[@id='items']/tbody/tr")
    assert [r.get("data-id") for r in first_again] == [r.get("data-id") for r in rows]


def test_every_collection_pages_in_html(client):
    for name in ("parcels", "cases", "zones"):
        document = client.get(f"/ogc/collections/{name}/items", params={"limit": 3}).json()
        page = _page(client.get(f"/ogc/collections/{name}/items", params={"limit": 3, "f": "html"}))
        ids = [r.get("data-id") for r in page.xpath("//table[@id='items']/tbody/tr")]
        assert ids == [f["id"] for f in document["features"]]


def test_an_item_page_labels_every_property(client):
    path = f"/ogc/collections/parcels/items/{PARCEL}"
    feature = client.get(path).json()
    response = client.get(path, headers=BROWSER)
    page = _page(response)
    assert _text(page.xpath("//h1")[0]) == PARCEL
    rows = {
        r.get("data-property"): (_text(r.xpath("./th")[0]), _text(r.xpath("./td")[0]))
        for r in page.xpath("//table[@id='properties']//tr")
    }
    assert list(rows) == list(feature["properties"])
    assert rows["parcel_code"] == ("宗地编号", PARCEL)
    assert rows["holder"] == ("土地使用权人", feature["properties"]["holder"])
    assert rows["area_mu"][0] == "宗地面积(亩)"
    assert rows["status"] == ("处置状态", "已盘活")
    assert rows["overdue"] == ("逾期", "否")
    _assert_map_under_the_policy(response, page)
    assert _alternates(page) == {GEOJSON: f"http://testserver{path}?f=json"}


def test_pages_follow_the_language_of_the_staff_ui(client):
    path = f"/ogc/collections/parcels/items/{PARCEL}"
    page = _page(client.get(path, headers=BROWSER, cookies={"landgis_lang": "en"}))
    assert page.get("lang") == "en"
    rows = {
        r.get("data-property"): _text(r.xpath("./th")[0])
        for r in page.xpath("//table[@id='properties']//tr")
    }
    assert rows["parcel_code"] == "Parcel code"
    assert rows["holder"] == "Land-use right holder"
    assert rows["overdue"] == "Overdue"
    # The layout's language switch comes back to this page.
    switch = page.xpath("//a[@data-lang='zh']")[0].get("href")
    assert parse_qs(urlsplit(switch).query)["next"] == [path]


def test_a_missing_feature_asked_for_by_a_browser_is_a_readable_404(client):
    response = client.get("/ogc/collections/parcels/items/NO-SUCH", headers=BROWSER)
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "NotFound" and "NO-SUCH" in body["message"]
    missing = client.get("/ogc/collections/roads", params={"f": "html"})
    assert missing.status_code == 404 and missing.json()["code"] == "NotFound"


def test_a_crs_other_than_crs84_shows_the_table_without_a_map(client):
    params = {"f": "html", "limit": 2, "crs": "http://www.opengis.net/def/crs/EPSG/0/4528"}
    page = _page(client.get("/ogc/collections/parcels/items", params=params))
    assert len(page.xpath("//table[@id='items']/tbody/tr")) == 2
    assert not page.xpath("//div[@id='ogc-map']")


def test_the_api_definition_offers_html_on_every_features_operation(client):
    definition = client.get("/ogc/api").json()
    for path in ("/", "/conformance", "/collections", "/collections/{collectionId}"):
        content = definition["paths"][path]["get"]["responses"]["200"]["content"]
        assert set(content) == {JSON, "text/html"}, path
    for path in (
        "/collections/{collectionId}/items",
        "/collections/{collectionId}/items/{featureId}",
    ):
        content = definition["paths"][path]["get"]["responses"]["200"]["content"]
        assert set(content) == {GEOJSON, "text/html"}, path
        parameters = definition["paths"][path]["get"]["parameters"]
        f = next(p for p in parameters if p["name"] == "f")
        assert "json or html" in f["description"]
    # A browser asking for the definition in HTML is sent to the interactive documentation.
    browser = client.get("/ogc/api", params={"f": "html"}, follow_redirects=False)
    assert browser.status_code == 303 and browser.headers["location"] == "/docs"


def test_behind_a_login_a_browser_is_sent_to_log_in_and_a_token_reads_pages(databases):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        create_user(session, "html-reader", "a-good-password", role="viewer")
        token = issue_token(session, "html-reader")
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, read_requires_login=True)
    with TestClient(create_app(settings)) as closed:
        path = "/ogc/collections/parcels/items?f=html"
        anonymous = closed.get(path, headers=BROWSER, follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"].startswith("/login?next=")
        assert closed.get(path).status_code == 401
        reader = closed.get(path, headers={"Authorization": f"Bearer {token}"})
        assert PARCEL in _text(_page(reader).body)

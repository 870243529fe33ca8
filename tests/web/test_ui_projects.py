"""Projects (招商项目) in Debian's Chromium, on a fresh demo county per backend: a clerk
enters a food project needing 30 亩 in 青溪经济开发区 (first refused for a need typed
wrong, what was typed kept), sees its candidates ranked with each score's parts and
reasons on the project page and on the map (features and popups in the map's page),
records a match with the 处置中 case QX-XZ-2023-013 and moves the project on; the case
page then shows the project, and the dashboard's projects card (which showed the demo's
own projects, by stage as the database holds them) one more at 落地 and the match. The pages in
English show English labels, and the map English reasons. No request leaves landgis.
Screenshots are kept (``/tmp/projects-*.png`` and the test artifacts)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sqlalchemy import func, select
from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from landgis.db.models import Project
from landgis.db.session import transaction

CASE_NO = "QX-XZ-2023-013"
# The demo's cases offered to 30 亩 of 食品 in 青溪经济开发区, best first, with their scores
# (worked out by hand in tests/db/test_projects.py's way).
RANKED = [
    ("QX-XZ-2023-013", "86.2"),
    ("QX-XZ-2023-010", "77.5"),
    ("QX-XZ-2023-012", "75.7"),
    ("QX-XZ-2023-009", "45.0"),
    ("QX-XZ-2023-011", "40.3"),
]
NAME = "年产2万吨功能性食品项目"
INVESTOR = "四川禾康健康食品有限公司"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
STAGES = ("negotiating", "signed", "landed", "producing")


def _keep(p, artifacts: Path, backend: str, name: str) -> None:
    shot = Path(f"/tmp/projects-{name}.png")
    p.page.screenshot(path=shot, full_page=True)
    shutil.copy(shot, artifacts / f"ui-projects-{name}-{backend}.png")


def _card(p) -> dict[str, str]:
    """The dashboard's projects card: the count at each stage, the projects matched to
    cases and to leases, and the cases matched."""
    p.goto("/")
    card = p.page.locator("#projects-card")
    found = {s: card.locator(f"#projects-{s}").get_attribute("data-count") for s in STAGES}
    cases, leases = card.locator("#projects-cases"), card.locator("#projects-leases")
    found["case_projects"] = cases.get_attribute("data-projects")
    found["cases"] = cases.get_attribute("data-cases")
    found["lease_projects"] = leases.get_attribute("data-projects")
    return found


def _enter_project(p) -> str:
    """Enter the food project through the form (a need typed wrong first); its number."""
    p.goto("/projects")
    assert p.page.locator("nav.nav a[aria-current=page]").inner_text() == "招商项目"
    with p.page.expect_navigation():
        p.page.click("#new-project")
    form = p.page.locator("#new-project-form form")
    form.locator("input[name=name]").fill(NAME)
    form.locator("input[name=investor]").fill(INVESTOR)
    form.locator("input[name=industry]").fill("食品")
    form.locator("input[name=investment_wan_yuan]").fill("30000")
    form.locator("input[name=land_need_mu]").fill("三十")
    form.locator("select[name=preferred_zones]").select_option(["青溪经济开发区"])
    with p.page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "用地需求(亩) 应为数字,收到 “三十”" in text_of(p.page.locator("#form-error"))
    form = p.page.locator("#new-project-form form")
    assert form.locator("input[name=name]").input_value() == NAME
    assert form.locator("select[name=preferred_zones] option:checked").all_inner_texts() == [
        "青溪经济开发区"
    ]
    form.locator("input[name=land_need_mu]").fill("30")
    with p.page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "已登记(洽谈)" in text_of(p.page.locator(".flash"))
    number = p.page.locator(".project-head").get_attribute("data-project")
    assert re.fullmatch(r"ZS-\d{4}-\d{3}", number)
    return number


def test_a_clerk_enters_a_project_matches_it_with_a_case_and_sees_the_figures(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    with ui_page(browser, ui_site) as p:
        p.login("editor1", "/projects")
        # the demo's own projects first: on the card as the database holds them; their
        # matches are on leases (data/geo/demo_county/leases.csv), none on a case
        before = _card(p)
        with transaction(ui_site.engine) as session:
            held = session.execute(select(Project.stage, func.count()).group_by(Project.stage))
            by_stage = dict(held.all())
        assert {s: before[s] for s in STAGES} == {s: str(by_stage.get(s, 0)) for s in STAGES}
        assert (before["case_projects"], before["cases"]) == ("0", "0")
        number = _enter_project(p)

        # the candidates, ranked, each score with its parts and their reasons
        assert p.page.locator(".project-head .stage").get_attribute("data-stage") == "negotiating"
        shown = p.page.locator("li.candidate")
        codes = [(c.get_attribute("data-code"), c.get_attribute("data-score")) for c in shown.all()]
        assert [(code, f"{float(score):.1f}") for code, score in codes] == RANKED
        best = p.page.locator(f"li.candidate[data-code='{CASE_NO}']")
        assert text_of(best.locator(".candidate-score")) == "86.2"
        parts = best.locator(".score-parts tr")
        assert [r.get_attribute("data-part") for r in parts.all()] == [
            "area",
            "industry",
            "availability",
        ]
        assert text_of(parts.nth(0).locator("td.points")) == "26.2 / 40"
        assert "闲置面积 44.30 亩,相差 +47.7%,面积偏大" in text_of(parts.nth(0))
        assert "主导产业(纺织鞋服、健康食品、新能源电池)包括 食品" in text_of(parts.nth(1))
        assert "处置方式“兼并重组”可引入新用地单位" in text_of(parts.nth(2))

        # the map: a feature per candidate, coloured by band, a popup with the reasons
        frame = p.map_frame("#project-map")
        drawn = frame.evaluate("Object.keys(window.landgis.parcels).sort()")
        assert drawn == sorted(code for code, _score in RANKED)
        assert frame.locator("path.landgis-candidate").count() == len(RANKED)
        assert frame.locator("path.landgis-band-high").count() == 1
        assert frame.locator("path.landgis-band-low").count() == 2
        assert frame.evaluate(f"window.landgis.openPopup('{CASE_NO}')")
        popup = frame.locator(".leaflet-popup-content .landgis-candidate-popup")
        popup.wait_for()
        assert popup.get_attribute("data-code") == CASE_NO
        assert "用地需求 30.00 亩,闲置面积 44.30 亩" in text_of(popup)
        assert popup.locator("a.landgis-case-link").get_attribute("href") == f"/cases/{CASE_NO}"
        legend = text_of(frame.locator(".landgis-legend"))
        assert "80 分及以上 (1)" in legend and "60 分以下 (2)" in legend
        _keep(p, artifacts, backend, "candidates")

        # record the match with the case: the project is signed
        best.locator("details.record-match summary").click()
        best.locator("input[name=note]").fill("双方已签订投资协议")
        with p.page.expect_navigation():
            best.locator("form[data-form=match] button[type=submit]").click()
        notice = " ".join(p.page.locator(".flash").all_inner_texts())
        assert f"已将项目 {NAME}({INVESTOR})登记到台账条目 {CASE_NO}" in notice
        assert f"招商项目 {number} 进入“签约”阶段" in notice
        row = p.page.locator(f"#match-table tr[data-case='{CASE_NO}']")
        assert text_of(row.locator("td.score")) == "86.2"
        assert p.page.locator(f"li.candidate[data-code='{CASE_NO}']").count() == 0
        assert p.page.locator(".project-head .stage").get_attribute("data-stage") == "signed"
        assert p.page.locator("#stage-back").count() == 0  # stepping back: administrators

        # and on to 落地
        with p.page.expect_navigation():
            p.page.click("#stage-next button[type=submit]")
        assert f"招商项目 {number} 进入“落地”阶段" in text_of(p.page.locator(".flash"))
        assert p.page.locator("#stage-line li.current").get_attribute("data-stage") == "landed"
        _keep(p, artifacts, backend, "project")

        # the case page shows the project and its score
        p.goto(f"/cases/{CASE_NO}")
        matched = p.page.locator(f"#case-projects li[data-project='{number}']")
        assert NAME in text_of(matched) and "匹配得分 86.2" in text_of(matched)
        assert matched.locator("a.project-link").get_attribute("href") == f"/projects/{number}"
        fields = p.page.locator("#case-fields [data-field=new_holder] dd")
        assert text_of(fields) == INVESTOR
        _keep(p, artifacts, backend, "case")

        # the dashboard's projects card: one more at 落地, entered at 洽谈 and gone on
        after = _card(p)
        more = {s: int(after[s]) - int(before[s]) for s in STAGES}
        assert more == {"negotiating": 0, "signed": 0, "landed": 1, "producing": 0}
        assert (after["case_projects"], after["cases"]) == ("1", "1")
        assert after["lease_projects"] == before["lease_projects"]
        cases = p.page.locator("#projects-card #projects-cases")
        assert text_of(cases.locator(".figure-value")) == "44.30 亩"
        _keep(p, artifacts, backend, "dashboard")

        # the pipeline lists it at its stage
        p.goto("/projects?stage=landed")
        listed = p.page.locator(f"#project-table tr[data-project='{number}']")
        assert listed.count() == 1 and "食品" in text_of(listed)
        assert text_of(listed.locator("td[data-matches]")) == "1"
        p.assert_clean()


def test_the_pages_in_english(browser, ui_site: UISite):
    with ui_page(browser, ui_site) as p:
        p.login("editor1", "/projects/new?lang=en")
        form = p.page.locator("#new-project-form form")
        form.locator("input[name=name]").fill("年产 500 吨速冻食品项目")
        form.locator("input[name=investor]").fill("青溪县鑫源食品有限公司")
        form.locator("input[name=industry]").fill("食品")
        form.locator("input[name=land_need_mu]").fill("40")
        with p.page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "(Negotiating)" in text_of(p.page.locator(".flash"))
        labels = p.page.locator("h1, h2, th, dt, label > span, button, summary").all_inner_texts()
        chinese = [text for text in labels if CJK.search(text)]
        assert chinese == [], chinese
        assert text_of(p.page.locator(".project-head .stage")) == "Negotiating"
        part = p.page.locator("li.candidate").first.locator(".score-parts tr[data-part=area]")
        assert text_of(part.locator("th")) == "Area fit"
        assert text_of(part.locator("td.reason")).startswith("Land need 40.00 mu")

        frame = p.map_frame("#project-map")
        code = frame.evaluate("Object.keys(window.landgis.parcels)[0]")
        assert frame.evaluate(f"window.landgis.openPopup({code!r})")
        popup = frame.locator(".leaflet-popup-content .landgis-candidate-popup")
        popup.wait_for()
        assert "Area fit" in text_of(popup) and "Land need 40.00 mu" in text_of(popup)

        p.goto("/projects?lang=en")
        assert text_of(p.page.locator("h1")) == "Projects"
        heads = p.page.locator("#project-table th").all_inner_texts()
        assert "Land need (mu)" in heads and "Floor need (m²)" in heads
        assert [h for h in heads if CJK.search(h)] == []
        p.assert_clean()

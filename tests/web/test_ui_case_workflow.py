"""Recording what happened on the case page, in Debian's Chromium, on a fresh demo county
per backend: a status change with its evidence seen on the case page, in the ledger and in
the map's colour; two editors on one case (the stale one loses nothing); partial and
complete revitalization, close-out; evidence the server asks for; attachments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from api.web.i18n import Translator
from landgis.maps import STATUS_COLOURS
from landgis.units import m2_to_mu

ZH = Translator("zh")
TODAY = dt.date.today().isoformat()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def _details(p, target: str):
    """The status-change panel for ``target``, opened."""
    panel = p.page.locator(f"details.transition[data-target={target}]")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


def _map_colour(p, code: str) -> tuple[str, str]:
    frame = p.map_frame("#ledger-map")
    return frame.evaluate(
        """(code) => {
            const path = window.landgis.parcels[code]._path;
            return [path.getAttribute("fill"), path.getAttribute("class")];
        }""",
        code,
    )


def test_an_editor_moves_a_case_and_sees_the_new_status_everywhere(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    case_no = "QX-XZ-2023-010"
    before = ui_site.case(case_no)
    assert before["status"] == "investigating"
    with ui_page(browser, ui_site) as p:
        p.login("editor1", f"/cases/{case_no}")
        code = p.page.locator(".case-head").get_attribute("data-parcel")
        # Only what an editor may do from 调查中: forward, dismiss, step back; no reopening.
        targets = {
            d.get_attribute("data-target")
            for d in p.page.locator("#actions details[data-target]").all()
        }
        assert targets == {"identified", "dismissed", "suspected"}
        panel = _details(p, "identified")
        assert panel.locator("input[name=field_determination_no][required]").count() == 1
        assert panel.locator("input[name=field_identified_on][type=date]").count() == 1
        panel.locator("input[name=field_determination_no]").fill("青自然资闲认〔2026〕7号")
        panel.locator("input[name=field_identified_on]").fill(TODAY)
        panel.locator("textarea[name=note]").fill("现场核查属实")
        p.shot(artifacts, f"case-form-{backend}")
        with p.page.expect_navigation():
            panel.locator("button[type=submit]").click()
        status = p.page.locator("#case-status")
        assert status.get_attribute("data-status") == "identified"
        assert text_of(status) == ZH.term("status", "identified")
        assert ZH("处置状态已更新。") in text_of(p.page.locator(".flash"))
        fields = text_of(p.page.locator("#case-fields"))
        assert "青自然资闲认〔2026〕7号" in fields
        last = p.page.locator("#timeline > li").last
        assert "张编辑" in text_of(last) and "现场核查属实" in text_of(last)  # the name
        assert "editor1" not in text_of(last)
        assert last.locator(".person").get_attribute("title") == "editor1"  # the login
        assert ZH.term("status", "identified") in text_of(last)
        # The next step asks for its own evidence: route and plan number.
        planned = _details(p, "planned")
        assert planned.locator("select[name=field_route]").count() == 1
        assert planned.locator("input[name=field_plan_no]").count() == 1
        focus = p.map_frame("#parcel-map").evaluate(
            """() => window.landgis.layers.parcel.getLayers()[0].options.fillColor"""
        )
        assert focus == STATUS_COLOURS["identified"]
        p.shot(artifacts, f"case-changed-{backend}")

        p.goto(f"/ledger?q={case_no}")
        row = p.page.locator(f"#ledger-table tr[data-case='{case_no}']")
        assert row.get_attribute("data-status") == "identified"
        assert ZH.term("status", "identified") in text_of(row)

        p.goto("/map-page")
        fill, classes = _map_colour(p, code)
        assert fill == STATUS_COLOURS["identified"]
        assert "landgis-status-identified" in classes
        p.assert_clean()
    after = ui_site.case(case_no)
    assert after["version"] == before["version"] + 1
    assert after["determination_no"] == "青自然资闲认〔2026〕7号"


def test_a_second_editor_meanwhile_is_told_and_loses_nothing(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    case_no = "QX-XZ-2023-012"  # identified: the next step needs a route and a plan number
    with ui_page(browser, ui_site) as a, ui_page(browser, ui_site) as b:
        a.login("editor1", f"/cases/{case_no}")
        b.login("editor2", f"/cases/{case_no}")
        # B starts typing; A saves first.
        b_panel = _details(b, "planned")
        b_panel.locator("select[name=field_route]").select_option("judicial_auction")
        b_panel.locator("input[name=field_plan_no]").fill("乙方案〔2026〕2号")
        b_panel.locator("textarea[name=note]").fill("乙的说明")
        a_panel = _details(a, "planned")
        a_panel.locator("select[name=field_route]").select_option("buyback")
        a_panel.locator("input[name=field_plan_no]").fill("甲方案〔2026〕1号")
        with a.page.expect_navigation():
            a_panel.locator("button[type=submit]").click()
        assert a.page.locator("#case-status").get_attribute("data-status") == "planned"

        with b.page.expect_navigation():
            b_panel.locator("button[type=submit]").click()
        notice = b.page.locator("#form-error")
        assert "该条目在您打开后已被他人修改" in text_of(notice)
        newer = text_of(notice.locator(".newer-values"))
        assert "甲方案〔2026〕1号" in newer and ZH.term("route", "buyback") in newer
        assert "张编辑" in newer and "editor1" not in newer
        assert notice.locator(".newer-values .person").first.get_attribute("title") == "editor1"
        # What B typed is still there (the step is no longer open, so read-only).
        kept = b.page.locator("#kept-input")
        assert kept.locator("input[name=field_plan_no]").input_value() == "乙方案〔2026〕2号"
        assert kept.locator("input[name=note]").input_value() == "乙的说明"
        route = kept.locator("input[name=field_route]").input_value()
        assert route == ZH.term("route", "judicial_auction")
        b.shot(artifacts, f"case-stale-{backend}")
        stored = ui_site.case(case_no)
        assert (stored["plan_no"], stored["route"]) == ("甲方案〔2026〕1号", "buyback")

        # The same with the edit form: B's text stays in the form, and a second submit,
        # made knowing the newer values, is saved.
        a_edit = a.page.locator("details#edit")
        a_edit.locator("summary").click()
        b.goto(f"/cases/{case_no}")
        b_edit = b.page.locator("details#edit")
        b_edit.locator("summary").click()
        a_edit.locator("textarea[name=field_remarks]").fill("甲:已与企业约谈")
        with a.page.expect_navigation():
            a_edit.locator("button[type=submit]").click()
        b_edit.locator("textarea[name=field_remarks]").fill("乙:企业申请延期")
        b_edit.locator("input[name=field_responsible_unit]").fill("县自然资源局")
        with b.page.expect_navigation():
            b_edit.locator("button[type=submit]").click()
        assert "该条目在您打开后已被他人修改" in text_of(b.page.locator("#form-error"))
        assert "甲:已与企业约谈" in text_of(b.page.locator(".newer-values"))
        b_edit = b.page.locator("details#edit")
        assert b_edit.get_attribute("open") is not None
        assert b_edit.locator("textarea[name=field_remarks]").input_value() == "乙:企业申请延期"
        unit = b_edit.locator("input[name=field_responsible_unit]").input_value()
        assert unit == "县自然资源局"
        assert ui_site.case(case_no)["remarks"] == "甲:已与企业约谈"
        with b.page.expect_navigation():
            b_edit.locator("button[type=submit]").click()
        assert b.page.locator("#form-error").count() == 0
        stored = ui_site.case(case_no)
        assert (stored["remarks"], stored["responsible_unit"]) == (
            "乙:企业申请延期",
            "县自然资源局",
        )
        assert stored["plan_no"] == "甲方案〔2026〕1号"
        a.assert_clean()
        b.assert_clean()


def test_the_server_asks_for_missing_evidence_and_keeps_the_input(browser, ui_site: UISite):
    case_no = "QX-XZ-2023-011"  # suspected -> investigating needs nothing; back needs a reason
    with ui_page(browser, ui_site) as p:
        p.login("editor1", f"/cases/{case_no}")
        panel = _details(p, "dismissed")
        # The browser would ask for the reason first; the server asks too.
        panel.evaluate("(el) => el.querySelectorAll('[required]').forEach(e => e.required = false)")
        panel.locator("input[name=document_no]").fill("青自然资函〔2026〕3号")
        with p.page.expect_navigation():
            panel.locator("button[type=submit]").click()
        error = text_of(p.page.locator("#form-error"))
        assert ZH.field("reason") in error
        panel = p.page.locator("details.transition[data-target=dismissed]")
        assert panel.get_attribute("open") is not None
        assert panel.locator("input[name=document_no]").input_value() == "青自然资函〔2026〕3号"
        assert panel.locator("textarea[name=note][aria-invalid=true]").count() == 1
        # Text longer than its column: refused by the server, whatever the browser allowed.
        panel = _details(p, "investigating")
        number = panel.locator("input[name=document_no]")
        number.evaluate("(el) => el.removeAttribute('maxlength')")
        number.fill("文" * 70)
        with p.page.expect_navigation():
            panel.locator("button[type=submit]").click()
        assert "64" in text_of(p.page.locator("#form-error"))
        panel = p.page.locator("details.transition[data-target=investigating]")
        assert panel.locator("input[name=document_no]").input_value() == "文" * 70
        assert ui_site.case(case_no)["status"] == "suspected"
        p.assert_clean()


def test_revitalization_partial_then_complete_then_closed(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    case_no = "QX-XZ-2023-007"
    before = ui_site.case(case_no)
    assert before["status"] == "disposing"
    with ui_page(browser, ui_site) as p:
        p.login("editor1", f"/cases/{case_no}")
        panel = p.page.locator("details#revitalize")
        panel.locator("summary").click()
        panel.locator("input[name=area_mu]").fill("5")
        panel.locator("input[name=new_holder]").fill("青溪新材料有限公司")
        with p.page.expect_navigation():
            panel.locator("button[type=submit]").click()
        stored = ui_site.case(case_no)
        added = m2_to_mu(stored["revitalized_area_m2"] - before["revitalized_area_m2"])
        assert round(added, 6) == 5
        assert stored["status"] == "disposing" and stored["new_holder"] == "青溪新材料有限公司"
        assert "5.00 亩" in text_of(p.page.locator("#timeline > li").last)

        panel = _details(p, "revitalized")
        assert panel.locator("input[name=area_mu][required]").count() == 0  # recorded already
        panel.locator("input[name=field_revitalized_on]").fill(TODAY)
        with p.page.expect_navigation():
            panel.locator("button[type=submit]").click()
        # 5 of the idle area revitalized: completing asks first, saying what is left.
        left = m2_to_mu(before["idle_area_m2"] - stored["revitalized_area_m2"])
        question = p.page.locator("#confirm-shortfall")
        assert f"还有 {left:,.2f} 亩未盘活" in text_of(question)
        assert p.page.locator("#case-status").get_attribute("data-status") == "disposing"
        with p.page.expect_navigation():
            question.locator("button[type=submit]").click()
        assert p.page.locator("#case-status").get_attribute("data-status") == "revitalized"

        panel = _details(p, "closed")
        panel.locator("input[name=document_no]").fill("青清闲办〔2026〕5号")
        before = dt.date.today().isoformat()
        with p.page.expect_navigation():
            panel.locator("button[type=submit]").click()
        after = dt.date.today().isoformat()
        assert p.page.locator("#case-status").get_attribute("data-status") == "closed"
        # Closed: read-only for an editor (reopening is for administrators).
        assert p.page.locator("#actions details").count() == 0
        assert p.page.locator("form[data-form=attachment]").count() == 0
        p.shot(artifacts, f"case-closed-{backend}")
        # Closed on the server's today, whichever side of midnight the click fell.
        assert ui_site.case(case_no)["closed_on"] in {before, after}
        p.assert_clean()

    with ui_page(browser, ui_site) as p:
        p.login("admin1", f"/cases/{case_no}")
        targets = [d.get_attribute("data-target") for d in p.page.locator("#actions details").all()]
        assert targets == ["revitalized"]
        assert p.page.locator("details.kind-reopen textarea[name=note][required]").count() == 1
        p.assert_clean()


def test_attachments_are_checked_stored_listed_and_downloaded(
    browser, ui_site: UISite, backend: str, artifacts: Path
):
    case_no = "QX-XZ-2023-005"
    before = ui_site.case(case_no)
    with ui_page(browser, ui_site) as p:
        p.login("editor1", f"/cases/{case_no}")
        form = p.page.locator("form[data-form=attachment]")
        form.locator("input[type=file]").set_input_files(
            files=[{"name": "认定书扫描件.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        form.locator("input[name=description]").fill("闲置土地认定书")
        with p.page.expect_navigation():
            form.locator("button[type=submit]").click()
        rows = p.page.locator("#attachment-list tbody tr")
        assert rows.count() == 1
        text = text_of(rows.first)
        assert "认定书扫描件.pdf" in text and "闲置土地认定书" in text and "张编辑" in text
        assert ZH.term("action", "attachment") in text_of(p.page.locator("#timeline"))
        with p.page.expect_download() as download:
            rows.first.locator("a.download").click()
        assert Path(download.value.path()).read_bytes() == PDF
        assert download.value.suggested_filename == "认定书扫描件.pdf"

        # An image with the wrong name is stored under its real type.
        form = p.page.locator("form[data-form=attachment]")
        form.locator("input[type=file]").set_input_files(
            files=[{"name": "现场照片.pdf", "mimeType": "application/pdf", "buffer": PNG}]
        )
        with p.page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "现场照片.pdf.png" in text_of(p.page.locator("#attachment-list"))

        # Refused by content, and by size; the description typed is kept.
        # Each answered with its status: an unsupported type 415, too large 413 (the file
        # is cut off while it streams in).
        refusals = (
            ("伪装.pdf", b"MZ\x90\x00 this is not a document", "PDF", 415),
            ("大文件.pdf", b"%PDF-1.4\n" + b"0" * (1 << 20), "1 MB", 413),
        )
        for name, content, words, status in refusals:
            form = p.page.locator("form[data-form=attachment]")
            form.locator("input[type=file]").set_input_files(
                files=[{"name": name, "mimeType": "application/pdf", "buffer": content}]
            )
            form.locator("input[name=description]").fill("说明保留")
            with p.page.expect_navigation() as navigation:
                form.locator("button[type=submit]").click()
            assert navigation.value.status == status, name
            assert words in text_of(p.page.locator("#form-error")), name
            assert p.page.locator("input[name=description]").input_value() == "说明保留"
        assert p.page.locator("#attachment-list tbody tr").count() == 2
        p.shot(artifacts, f"case-attachments-{backend}")
        # Chromium notes each refused page as a console error: those two, and nothing else.
        p.errors = [e for e in p.errors if "status of 413 " not in e and "status of 415 " not in e]
        p.assert_clean()
    # Uploads change nothing of the case: no event, same version.
    assert ui_site.case(case_no) == before
    stored = sorted(
        p.name for p in Path(ui_site.settings.attachments_dir).rglob("*") if p.is_file()
    )
    assert len(stored) == 2 and not any(name.endswith(".part") for name in stored)

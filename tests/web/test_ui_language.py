"""The staff pages in each language, over HTTP (no browser), on a fresh demo county per
backend: in English every label (headings, table headers, form labels, buttons, the
names in the vocabulary selects) is English and no internal code (``disposing``,
``route``, ``plan_no``, ``idle_area_m2`` …) shows as text; in Chinese no label is one of
the English names. Stored data (holders, projects, zone names, case numbers) is shown as
stored in both, so the checks read the labels, not the data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from api.main import create_app
from landgis import schema, vocab
from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.i18n.catalogues import catalogue_path
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user

PASSWORD = "language-password"
CASE_NO = "QX-XZ-2023-010"  # investigating: every section of the case page has content
DISPOSING = "QX-XZ-2023-005"  # being disposed of: the revitalization form too
PAGES = (
    "/",
    "/ledger",
    f"/cases/{CASE_NO}",
    f"/cases/{DISPOSING}",
    "/map-page",
    "/projects",
    "/projects/new",
    "/import",
    "/space/import",
    "/account",
    "/admin",
    "/admin/users",
    "/admin/audit",
)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# Elements whose text is a label of the page, and those that hold data (or what a user
# typed), whose text is not checked for language.
LABELS = frozenset(
    {"title", "h1", "h2", "h3", "th", "dt", "label", "button", "summary", "caption"}
    | {"figcaption", "option", "nav"}
)
DATA = frozenset({"td", "dd", "textarea", "script", "style", "svg"})
# Selects whose options are data (zones by name, people, industries typed), not vocabulary
# names.
DATA_SELECTS = frozenset({"zone", "preferred_zones", "staff", "industry"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})
VOID |= {"source", "track", "wbr"}
# Internal codes that must never show as text: every vocabulary's codes, and the names of
# fields and columns (a label must stand for them).
CODES = frozenset(
    {code for codes in vocab.VOCABULARIES.values() for code in codes}
    | {f.name for f in schema.CASE}
    | {f.name for f in schema.PARCEL}
    | {c.key for c in schema.EXPORTED}
) - {"seq", "version", "other"}
CODE_WORD = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")


@dataclass
class Page:
    """What a page shows: the text of each label, and all its visible text."""

    labels: list[tuple[str, str]] = field(default_factory=list)  # (element, its text)
    texts: list[str] = field(default_factory=list)  # every visible text, data included
    attributes: list[str] = field(default_factory=list)  # aria-label, placeholder


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.open: list[tuple[str, list[str] | None]] = []  # (tag, its text when a label)
        self.select: str | None = None
        self.data_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for name in ("aria-label", "placeholder"):
            if named.get(name):
                self.page.attributes.append(named[name] or "")
        if tag in VOID:
            return
        if tag == "select":
            self.select = named.get("name")
        data = tag in DATA or (tag == "option" and self.select in DATA_SELECTS)
        self.data_depth += data
        # A vocabulary's names are labels wherever their select is (a table cell too).
        label = tag in LABELS and (not self.data_depth or (tag == "option" and not data))
        self.open.append((tag, [] if label else None))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or all(t != tag for t, _text in self.open):
            return
        while self.open:
            name, text = self.open.pop()
            if name in DATA or (name == "option" and self.select in DATA_SELECTS):
                self.data_depth -= 1
            if text is not None:
                self.page.labels.append((name, " ".join("".join(text).split())))
            if name == "select":
                self.select = None
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if any(t in ("script", "style") for t, _text in self.open):
            return
        if data.strip():
            self.page.texts.append(data.strip())
        for tag, text in self.open:
            if text is not None and (not self.data_depth or tag == "option"):
                text.append(data)


def read(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def _english_names() -> set[str]:
    """The English of every message and vocabulary name that differs from its Chinese."""
    with catalogue_path("en").open("rb") as source:
        return {m.string for m in read_po(source) if m.id and m.string and m.string != m.id}


@pytest.fixture(scope="module")
def client(databases, form_login):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        create_user(session, "admin1", PASSWORD, role="admin", display_name="赵管理")
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, secret_key="language-secret" * 2, campaign_target_mu=300)
    with TestClient(create_app(settings)) as test_client:
        form_login(test_client, "admin1", PASSWORD)
        yield test_client


def _page(client: TestClient, path: str, lang: str) -> Page:
    answer = client.get(path, params={"lang": lang})
    assert answer.status_code == 200, (path, answer.text[:500])
    return read(answer.text)


@pytest.mark.parametrize("path", PAGES)
def test_english_pages_show_english_labels_and_no_codes(client, path):
    page = _page(client, path, "en")
    assert page.labels, "the page has labels"
    chinese = [(tag, text) for tag, text in page.labels if CJK.search(text)]
    assert chinese == [], f"Chinese labels on {path}"
    assert [a for a in page.attributes if CJK.search(a)] == []
    codes = [text for text in page.texts if text in CODES]
    assert codes == [], f"codes shown on {path}"
    words = sorted({w for text in page.texts for w in CODE_WORD.findall(text)})
    assert words == [], f"codes shown on {path}"


def test_the_vocabulary_selects_name_their_codes_in_english(client):
    page = _page(client, "/ledger", "en")
    options = {text for tag, text in page.labels if tag == "option"}
    for name in ("status", "category", "cause", "route"):
        assert not options & set(vocab.VOCABULARIES[name]), name
    assert {"Being disposed of", "Buyback", "Idle land", "Enterprise"} <= options
    users = _page(client, "/admin/users", "en")
    assert {"Viewer", "Editor", "Administrator"} <= {t for tag, t in users.labels}


@pytest.mark.parametrize("path", PAGES)
def test_chinese_pages_show_no_english_labels(client, path):
    page = _page(client, path, "zh")
    english = _english_names() - {"OpenStreetMap", "CSV", "Excel"}
    shown = [(tag, text) for tag, text in page.labels if text in english]
    assert shown == [], f"English labels on the Chinese {path}"
    options = [text for tag, text in page.labels if tag == "option" and text not in ("", "—")]
    assert all(CJK.search(text) for text in options), options
    headings = [text for tag, text in page.labels if tag in ("h1", "h2", "th", "button")]
    assert all(CJK.search(text) or not re.search(r"[A-Za-z]", text) for text in headings), headings

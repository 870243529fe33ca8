"""The staff web UI: server-rendered pages on the API's authentication and the library.

Pages: ``/`` (dashboard), ``/ledger``, ``/cases/{case_no}``, ``/map-page`` and ``/import``.
Forms post back to page routes, which call the library (``landgis.cases``,
``landgis.attachments``, ``landgis.imports``) and redirect on success; on a refusal
(missing evidence, a stale version, a bad file) the page is rendered again with the
message and with everything the user typed. Writes need the editor role and the session's
CSRF token, checked by the same dependencies as the JSON API.

Every text comes from one message catalogue (:mod:`api.web.i18n`): Simplified Chinese by
default, English when the user switches (``?lang=en`` or ``/lang/en``; kept in a cookie).
Every asset is served by landgis (``/static/app``, ``/static/vendor``): no page makes an
outside request.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.auth import Principal, csrf_token, resolve_principal
from api.deps import EditorDep, ReaderDep, SessionDep, SettingsDep
from api.errors import status_code_for
from api.routers import session as session_router
from api.routers.imports import PARCEL_SUFFIXES, UploaderDep, parcel_file
from api.routers.maps import map_response
from api.security import ATTACHMENT_POLICY, csp_nonce
from api.uploads import FileField, FormSpec, Upload, UploadForm, received_form
from api.web.i18n import COOKIE, LANGUAGES, Translator, language_of, map_labels
from landgis import alerts, attachments, cases, imports, vocab, wallclock
from landgis.db.models import Case
from landgis.db.repository import zones_frame
from landgis.db.session import transaction
from landgis.errors import (
    InvalidInput,
    LandGISError,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from landgis.ledger import case_list
from landgis.ledger_rules.totals import LedgerTotals, totals_of
from landgis.maps import STATUS_COLOURS, ledger_map
from landgis.parcels import ParcelFilter, parcels_frame
from landgis.settings import Settings
from landgis.stats import UNASSIGNED, headline_figures
from landgis.tempfiles import remove_old_entries
from landgis.units import m2_to_mu, mu_to_m2
from landgis.workflow import MAIN_LINE, Workflow, role_allows

router = APIRouter(tags=["pages"], include_in_schema=False)

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"  # mounted at /static/app by create_app
templates = Jinja2Templates(directory=TEMPLATES_DIR)

LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
EXPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("xlsx", "Excel"),
    ("csv", "CSV"),
    ("geojson", "GeoJSON"),
    ("gpkg", "GeoPackage"),
    ("shp.zip", "Shapefile"),
    ("kml", "KML"),
)
EXPORT_URL = "/api/exports/ledger.{fmt}"
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
NAV: tuple[tuple[str, str, str], ...] = (
    # (path, catalogue key, least role; "" for everyone who may read)
    ("/", "nav.dashboard", ""),
    ("/ledger", "nav.ledger", ""),
    ("/map-page", "nav.map", ""),
    ("/import", "nav.import", "editor"),
    ("/admin/users", "nav.users", "admin"),
    ("/admin", "nav.admin", "admin"),
)
# Case fields whose values are areas of land (shown in 亩) and of floor space (㎡).
LAND_AREA_FIELDS = frozenset({"idle_area_m2", "revitalized_area_m2"})
FLOOR_AREA_FIELDS = frozenset({"idle_building_area_m2", "revitalized_building_area_m2"})
# Case fields holding a code of the vocabulary of the same name (see api.web.i18n).
VOCABULARY_FIELDS = frozenset({"status", "category", "cause", "route"})
# Fields the edit form offers; status and revitalized figures change through their forms.
EDIT_FIELDS: tuple[str, ...] = (
    "cause",
    "cause_detail",
    "responsible_unit",
    "deadline",
    "new_holder",
    "new_project",
    "remarks",
    "next_step",
)
# Evidence the workflow checks that no form field sets: the close-out date is the day of
# the change; revitalized area grows through recorded revitalization.
AUTOMATIC_EVIDENCE = frozenset({"closed_on"})
REVITALIZATION_EVIDENCE = "revitalized_area_m2"


# --- what every page knows: language, user, links ------------------------------------------


@dataclass
class UI:
    """What the layout needs on every page: the translator, who is logged in, the links."""

    request: Request
    t: Translator
    user: Principal | None
    county: str
    read_requires_login: bool

    @property
    def lang(self) -> str:
        return self.t.lang

    @property
    def html_lang(self) -> str:
        return "zh-CN" if self.t.lang == "zh" else "en"

    @property
    def can_edit(self) -> bool:
        return self.user is not None and role_allows(self.user.role, "editor")

    @property
    def csrf(self) -> str:
        return csrf_token(self.request)

    @property
    def path(self) -> str:
        query = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        return self.request.url.path + (f"?{urlencode(query)}" if query else "")

    @property
    def nav(self) -> list[dict[str, Any]]:
        if self.user is None and self.read_requires_login:
            return []
        here = self.request.url.path
        # The longest path this page is under: /admin/users is "users", not "admin".
        under = [p for p, _, _ in NAV if here == p or (p != "/" and here.startswith(p))]
        chosen = max(under, key=len, default=None)
        items = []
        for path, key, role in NAV:
            if role and not (self.user and role_allows(self.user.role, role)):
                continue
            items.append({"href": path, "key": key, "current": path == chosen})
        return items

    def with_lang(self, url: str) -> str:
        """``url`` with this page's language, for the maps the page embeds in iframes."""
        return f"{url}{'&' if '?' in url else '?'}{urlencode({'lang': self.t.lang})}"

    def lang_url(self, code: str) -> str:
        return f"/lang/{code}?{urlencode({'next': self.path})}"

    @property
    def other_languages(self) -> list[tuple[str, str]]:
        return [(code, name) for code, name in LANGUAGES.items() if code != self.t.lang]

    @property
    def login_url(self) -> str:
        return "/login?" + urlencode({"next": self.path})


def ui_for(request: Request) -> UI:
    """The layout's view of ``request``: language (query, then cookie), user, county."""
    settings: Settings = request.app.state.settings
    lang = language_of(request.query_params.get("lang"), request.cookies.get(COOKIE))
    return UI(
        request=request,
        t=Translator(lang),
        user=resolve_principal(request),
        county=settings.county_name,
        read_requires_login=settings.read_requires_login,
    )


def _number(value: Any, digits: int = 2) -> str:
    """A number for display with thousands separators, '' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{float(value):,.{digits}f}"


def _mu(area_m2: Any) -> str:
    """An area in m² shown in 亩."""
    return "" if area_m2 is None else _number(m2_to_mu(float(area_m2)))


def _fit(text: Any, width: int = 18) -> str:
    """``text`` cut to ``width`` columns (a Chinese character takes two), with an ellipsis."""
    text = str(text)
    used = 0
    for i, char in enumerate(text):
        used += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used > width:
            return text[: max(i - 1, 1)] + "…"
    return text


CHINA_TIME = dt.timezone(dt.timedelta(hours=8))


def _when(value: Any) -> str:
    """An instant (ISO text or datetime, UTC) as a clerk reads it: Beijing time, minutes."""
    if not value:
        return ""
    instant = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def _day(value: Any) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


for _env in (templates.env, session_router.templates.env):
    # The login page is rendered by the session router from the same folder: it shares
    # the layout, so it shares what the layout calls.
    _env.globals.update(ui_for=ui_for, status_colours=STATUS_COLOURS, csp_nonce=csp_nonce)
    _env.filters.update(number=_number, day=_day, mu=_mu, fit=_fit, when=_when)


def _render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render a page; a ``?lang=`` choice is kept in a cookie for the next pages."""
    ui = context.get("ui") or ui_for(request)
    flashes = request.session.pop("flash", None) or []
    response = templates.TemplateResponse(
        request, name, {"ui": ui, "flashes": flashes, **context}, status_code=status_code
    )
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES:
        _remember_language(response, chosen)
    return response


def _remember_language(response: Response, code: str) -> None:
    response.set_cookie(
        COOKIE, code, max_age=LANG_COOKIE_MAX_AGE, samesite="lax", httponly=True, path="/"
    )


def _flash(request: Request, key: str, **values: Any) -> None:
    request.session.setdefault("flash", [])
    request.session["flash"] = [*request.session["flash"], {"key": key, "values": values}]


def _safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: never send the user elsewhere (``//host``, ``/\\host``)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


def _refused(request: Request, ui: UI, error: LandGISError, status_code: int) -> HTMLResponse:
    return _render(
        request, "error.html", {"ui": ui, "message": ui.t.message(error)}, status_code=status_code
    )


async def _form(request: Request) -> FormData:
    """The posted form (already read, and cached, by the CSRF check)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _values(form: FormData, names: Iterable[str]) -> dict[str, str]:
    return {name: _text(form, name) for name in names}


# Inputs that are not case columns: their length limits and catalogue labels.
INPUT_LIMITS = {"document_no": 64, "note": 2000, "description": 256}
INPUT_LABELS = {
    "document_no": "form.document_no",
    "note": "form.note",
    "description": "attachment.description",
}


def _input_label(t: Translator, name: str) -> str:
    return t(INPUT_LABELS[name]) if name in INPUT_LABELS else t.field(name)


def _check_lengths(typed: Mapping[str, str]) -> None:
    """Refuse text longer than its column holds (the browser's maxlength can be bypassed)."""
    for key, value in typed.items():
        name = key.removeprefix("field_")
        column = Case.__table__.columns.get(name)
        limit = INPUT_LIMITS.get(name) or getattr(getattr(column, "type", None), "length", None)
        if limit and len(value) > limit:
            zh, en = _input_label(Translator("zh"), name), _input_label(Translator("en"), name)
            raise InvalidInput(
                f"“{zh}”超过 {limit} 个字符。",
                f"{en} is longer than {limit} characters.",
                problems=[{"field": name, "problem": "过长", "problem_en": "too long"}],
            )


@router.get("/lang/{code}")
def choose_language(code: str, next: str | None = None) -> RedirectResponse:
    """Switch the interface language and go back to the page."""
    response = RedirectResponse(_safe_next(next), status_code=303)
    if code in LANGUAGES:
        _remember_language(response, code)
    return response


# --- filters shared by the ledger, the map and the export links ----------------------------

FILTER_VOCABULARIES: dict[str, Mapping[str, str]] = {
    "status": vocab.CASE_STATUSES,
    "category": vocab.CATEGORIES,
    "route": vocab.ROUTES,
    "cause": vocab.CAUSES,
}
ZONE_CODE = re.compile(r"^[\w.\-]{1,32}$")
MAX_QUERY = 100


@dataclass
class PageFilters:
    """The ledger filters read leniently from a query string (unknown values are ignored,
    so a form's empty choices mean 'all')."""

    chosen: dict[str, list[str]] = field(default_factory=dict)
    overdue: bool | None = None
    q: str = ""
    as_of: dt.date | None = None
    bad_date: bool = False

    @classmethod
    def read(cls, request: Request) -> PageFilters:
        params = request.query_params
        chosen: dict[str, list[str]] = {}
        for name, allowed in FILTER_VOCABULARIES.items():
            chosen[name] = [v for v in params.getlist(name) if v in allowed]
        chosen["zone"] = [v for v in params.getlist("zone") if ZONE_CODE.match(v)]
        overdue = {"true": True, "false": False}.get(params.get("overdue", ""))
        as_of, bad_date = None, False
        if params.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(params["as_of"])
            except ValueError:
                bad_date = True
        q = (params.get("q") or "").strip()[:MAX_QUERY]
        return cls(chosen=chosen, overdue=overdue, q=q, as_of=as_of, bad_date=bad_date)

    def first(self, name: str) -> str:
        values = self.chosen.get(name) or []
        return values[0] if values else ""

    def parcel_filter(self) -> ParcelFilter:
        return ParcelFilter(
            status=tuple(self.chosen.get("status", ())),
            zone=tuple(self.chosen.get("zone", ())),
            category=tuple(self.chosen.get("category", ())),
            route=tuple(self.chosen.get("route", ())),
            cause=tuple(self.chosen.get("cause", ())),
            overdue=self.overdue,
            text=self.q or None,
        )

    def params(self, *, as_of: bool = True) -> list[tuple[str, str]]:
        """The filters as query parameters (the names the API's filters use)."""
        pairs = [(name, v) for name, values in self.chosen.items() for v in values]
        if self.overdue is not None:
            pairs.append(("overdue", "true" if self.overdue else "false"))
        if self.q:
            pairs.append(("q", self.q))
        if as_of and self.as_of is not None:
            pairs.append(("as_of", self.as_of.isoformat()))
        return pairs

    def query(self, *, as_of: bool = True, **extra: Any) -> str:
        pairs = self.params(as_of=as_of) + [(k, str(v)) for k, v in extra.items() if v]
        return urlencode(pairs)


def _zones(session: Any) -> list[dict[str, str]]:
    frame = zones_frame(session, kinds=("area", "park"))
    return [{"code": c, "name": n} for c, n in zip(frame["code"], frame["name"], strict=True)]


def _filter_choices(session: Any) -> dict[str, Any]:
    return {
        "zones": _zones(session),
        "vocabularies": {name: list(values) for name, values in FILTER_VOCABULARIES.items()},
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain values (None for missing)."""
    if frame.empty:
        return []
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


# --- dashboard ------------------------------------------------------------------------------


def _bars(groups: Mapping[str, Mapping[str, Any]], label: Any, value: str) -> list[dict]:
    return [
        {"label": label(key), "value": float(group.get(value) or 0.0), "cases": group.get("cases")}
        for key, group in groups.items()
    ]


def _dashboard(session: Any, settings: Settings, t: Translator, period: dict) -> dict[str, Any]:
    figures = headline_figures(session, date_from=period["from"], date_to=period["to"])

    def route_label(key: str) -> str:
        return t("term.unassigned") if key == UNASSIGNED else t.term("route", key)

    def zone_label(key: str) -> str:
        return t("term.unassigned") if key == UNASSIGNED else key

    ledger_by_zone = figures["by_zone"]
    revitalized_by_zone = figures["revitalized_by_zone"]
    zones = [
        {
            "label": zone_label(key),
            "values": [
                float(ledger_by_zone.get(key, {}).get("area_mu") or 0.0),
                float(revitalized_by_zone.get(key, {}).get("area_mu") or 0.0),
            ],
        }
        for key in sorted(set(ledger_by_zone) | set(revitalized_by_zone))
    ]
    target = settings.campaign_target_mu
    total = figures["revitalized_total_area_mu"]
    return {
        "figures": figures,
        "target": target,
        "target_share": (total / target) if target else None,
        "by_route": _bars(figures["revitalized_by_route"], route_label, "area_mu"),
        "by_zone": zones,
        "by_month": _bars(figures["revitalized_by_month"], str, "area_mu"),
        "by_status": _bars(
            dict(sorted(figures["by_status"].items(), key=lambda i: STATUS_ORDER.get(i[0], 99))),
            lambda k: t.term("status", k),
            "area_mu",
        ),
    }


def _period(request: Request) -> tuple[dict[str, dt.date | None], bool]:
    period: dict[str, dt.date | None] = {"from": None, "to": None}
    bad = False
    for key, name in (("from", "date_from"), ("to", "date_to")):
        text = request.query_params.get(name)
        if text:
            try:
                period[key] = dt.date.fromisoformat(text)
            except ValueError:
                bad = True
    return period, bad


@router.get("/", response_class=HTMLResponse)
def dashboard_page(
    request: Request, session: SessionDep, settings: SettingsDep, _: ReaderDep
) -> HTMLResponse:
    """Headline figures, charts by route, zone and month, and the ledger map."""
    ui = ui_for(request)
    period, bad_date = _period(request)
    try:
        data = _dashboard(session, settings, ui.t, period)
    except LandGISError as error:  # e.g. a period that ends before it starts
        period = {"from": None, "to": None}
        data = _dashboard(session, settings, ui.t, period) | {"error": ui.t.message(error)}
    context = {"ui": ui, "period": period, "bad_date": bad_date, **data}
    return _render(request, "dashboard.html", context)


# --- ledger ---------------------------------------------------------------------------------

SORTABLE: tuple[str, ...] = (
    "seq",
    "case_no",
    "parcel_code",
    "project_name",
    "zone_name",
    "holder",
    "category",
    "cause",
    "idle_area_mu",
    "route",
    "deadline",
    "status",
    "revitalized_area_mu",
    "revitalized_building_area_m2",
)
STATUS_ORDER = {s: i for i, s in enumerate((*MAIN_LINE, "dismissed"))}


def _sorted(rows: pd.DataFrame, key: str, descending: bool) -> pd.DataFrame:
    if rows.empty or key not in rows:
        return rows
    column = rows[key]
    if key == "status":
        column = column.map(STATUS_ORDER)
    elif key == "deadline":
        column = pd.to_datetime(column)
    order = column.sort_values(ascending=not descending, na_position="last", kind="stable")
    return rows.loc[order.index]


def _ledger(session: Any, filters: PageFilters, sort: str, descending: bool, page: int, per: int):
    rows, total = case_list(session, filters.parcel_filter(), filters.as_of)
    rows = rows.assign(seq=range(1, total + 1))  # numbered after filtering, as exports are
    rows = _sorted(rows, sort, descending)
    pages = max(1, math.ceil(total / per))
    page = min(max(page, 1), pages)
    shown = rows.iloc[(page - 1) * per : page * per]
    sums = totals_of(rows, filters.as_of or wallclock.today()) if total else LedgerTotals()
    totals = {
        "cases": sums.cases,
        "idle_area_mu": float(m2_to_mu(sums.idle_area_m2)),
        "revitalized_area_mu": float(m2_to_mu(sums.revitalized_area_m2)),
        "overdue": sums.overdue_cases,
    }
    return _records(shown), totals, page, pages


def _positive(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and int(text) > 0 else default


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, session: SessionDep, _: ReaderDep) -> HTMLResponse:
    """The ledger as a table: filters, sorting, search, paging, a date, export links."""
    ui = ui_for(request)
    filters = PageFilters.read(request)
    params = request.query_params
    sort = params.get("sort") if params.get("sort") in SORTABLE else "seq"
    descending = params.get("dir") == "desc"
    per = _positive(params.get("per"), DEFAULT_PAGE_SIZE)
    per = per if per in PAGE_SIZES else DEFAULT_PAGE_SIZE
    rows, totals, page, pages = _ledger(
        session, filters, sort, descending, _positive(params.get("page"), 1), per
    )
    exports = [
        (label, EXPORT_URL.format(fmt=fmt) + (f"?{q}" if (q := filters.query()) else ""), fmt)
        for fmt, label in EXPORT_FORMATS
    ]
    context = {
        "ui": ui,
        "filters": filters,
        "rows": rows,
        "totals": totals,
        "sort": sort,
        "descending": descending,
        "page": page,
        "pages": pages,
        "per": per,
        "page_sizes": PAGE_SIZES,
        "exports": exports,
        "sortable": SORTABLE,
        "map_query": filters.query(as_of=False),
        **_filter_choices(session),
    }
    return _render(request, "ledger.html", context)


@router.get("/map-page", response_class=HTMLResponse)
def map_page(request: Request, session: SessionDep, _: ReaderDep) -> HTMLResponse:
    """The ledger map, full screen, with the ledger's filters."""
    filters = PageFilters.read(request)
    context = {
        "filters": filters,
        "map_src": "/map" + (f"?{q}" if (q := filters.query(as_of=False)) else ""),
        **_filter_choices(session),
    }
    return _render(request, "map.html", context)


# --- one case -------------------------------------------------------------------------------


def _workflow(settings: Settings) -> Workflow:
    return Workflow(evidence=settings.evidence)


def _input_kind(name: str) -> str:
    if name in VOCABULARY_FIELDS:
        return "select"
    column = Case.__table__.columns.get(name)
    python_type = column.type.python_type if column is not None else str
    if python_type is dt.date:
        return "date"
    if python_type in (float, int):
        return "number"
    return "textarea" if name in ("remarks", "next_step", "cause_detail") else "text"


def _field_input(name: str, current: Any) -> dict[str, Any]:
    kind = _input_kind(name)
    column = Case.__table__.columns.get(name)
    length = getattr(column.type, "length", None) if column is not None else None
    value = _day(current) if kind == "date" else ("" if current is None else str(current))
    vocabulary = name if name in VOCABULARY_FIELDS else None
    choices = list(FILTER_VOCABULARIES[name]) if vocabulary else []
    unit = "m2" if name.endswith("_m2") else "yuan" if name.endswith("_yuan") else ""
    return {
        "name": name,
        "kind": kind,
        "value": value,
        "maxlength": length,
        "choices": choices,
        "vocabulary": vocabulary,
        "unit": unit,
    }


def _transition_forms(
    detail: Mapping[str, Any], case: Case, workflow: Workflow
) -> list[dict[str, Any]]:
    """The status changes the user may make now, each with the inputs its evidence needs."""
    forms = []
    for transition in detail["allowed_transitions"]:
        entry = workflow.transition(case.status, transition["status"])
        evidence = [f for f in transition["evidence"] if f not in AUTOMATIC_EVIDENCE]
        needs_area = REVITALIZATION_EVIDENCE in evidence
        evidence = [f for f in evidence if f != REVITALIZATION_EVIDENCE]
        forms.append(
            {
                "target": transition["status"],
                "kind": transition["kind"],
                "rule": transition["rule"],
                "rule_en": entry.rule_en,
                "needs_reason": transition["needs_reason"],
                "fields": [_field_input(f, getattr(case, f, None)) for f in evidence],
                "revitalization": needs_area,
                "area_required": needs_area and not (case.revitalized_area_m2 or 0) > 0,
                "closes": "closed_on" in transition["evidence"],
            }
        )
    return forms


def _display(t: Translator, name: str, value: Any) -> str:
    """A case field's value as the user reads it."""
    if value is None or value == "":
        return ""
    if name in VOCABULARY_FIELDS:
        return t.term(name, str(value))
    if name in LAND_AREA_FIELDS:
        return f"{_number(m2_to_mu(float(value)))} {t('unit.mu')}"
    if name in FLOOR_AREA_FIELDS:
        return f"{_number(value)} {t('unit.m2')}"
    if name == "amount_yuan":
        return f"{_number(value)} {t('unit.yuan')}"
    return _day(value) if name.endswith("_on") or name == "deadline" else str(value)


def _timeline(t: Translator, events: list[Any], files: list[Any]) -> list[dict[str, Any]]:
    """Events and uploads, oldest first; each event with its changed fields in words."""
    items = []
    for event in events:
        changes = []
        for name, (before, after) in (event.changes or {}).items():
            if name == "status" or (event.action == "open" and after in (None, "", 0, 0.0)):
                continue
            changes.append(
                {
                    "field": t.field(name),
                    "before": _display(t, name, before),
                    "after": _display(t, name, after),
                }
            )
        items.append(
            {
                "type": "event",
                "day": event.occurred_on,
                "at": event.recorded_at,
                "actor": event.actor,
                "action": event.action,
                "before": event.status_before,
                "after": event.status_after,
                "changes": changes,
                "document_no": event.document_no,
                "note": event.note,
            }
        )
    for item in files:
        at = item.uploaded_at
        items.append({"type": "file", "day": at.date() if at else None, "at": at, "file": item})

    def order(item: dict[str, Any]) -> tuple:
        at = item["at"]
        stamp = at.replace(tzinfo=None).isoformat() if at else ""
        return (item["day"] or dt.date.min, stamp)

    return sorted(items, key=order)


def _newer_values(t: Translator, events: list[Any], seen: int) -> list[dict[str, Any]]:
    """What changed after version ``seen`` (the version is the number of events): each field's
    newest value and who set it."""
    newest: dict[str, dict[str, Any]] = {}
    for event in events[seen:]:
        for name, (_before, after) in (event.changes or {}).items():
            newest[name] = {
                "field": t.field(name),
                "value": _display(t, name, after),
                "actor": event.actor,
                "day": event.occurred_on,
            }
    return list(newest.values())


PARCEL_FIELDS: tuple[str, ...] = (
    "parcel_code",
    "supervision_no",
    "project_name",
    "location",
    "holder",
    "credit_code",
    "land_use",
    "supply_method",
    "contract_no",
    "contract_date",
    "land_price_yuan",
    "agreed_start_date",
    "agreed_completion_date",
    "actual_start_date",
    "actual_completion_date",
    "plot_ratio",
    "tax_per_mu",
)


def _parcel_rows(t: Translator, parcel: Any) -> list[tuple[str, str]]:
    rows = [(t("parcel.zone"), parcel.zone.name if parcel.zone else "")]
    for name in PARCEL_FIELDS:
        value = getattr(parcel, name)
        if name == "supply_method" and value:
            value = t.term("supply_method", value)
        elif name == "land_price_yuan" and value is not None:
            value = f"{_number(value)} {t('unit.yuan')}"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        rows.append((t(f"parcel.{name}"), "" if value is None else str(value)))
    area = f"{_number(m2_to_mu(parcel.area_m2))} {t('unit.mu')} ({_number(parcel.area_m2)} ㎡)"
    rows.append((t("parcel.area"), area))
    if parcel.registered_area_m2 is not None:
        registered = f"{_number(parcel.registered_area_m2)} ㎡"
        rows.append((t("parcel.registered_area_m2"), registered))
    return rows


def _case_context(
    session: Any, settings: Settings, ui: UI, case_no: str, form: dict[str, Any] | None = None
) -> dict[str, Any]:
    t = ui.t
    case = cases.get_case(session, case_no)
    role = ui.user.role if ui.user else None
    workflow = _workflow(settings)
    detail = cases.case_detail(session, case, role, workflow)
    parcel = case.parcel
    events = cases.case_history(session, case_no)
    files = attachments.list_attachments(session, case_no)
    warnings = [
        w
        for w in alerts.ledger_warnings(session, rules=settings.clock.rules())
        if w.case_no == case_no
    ]
    fields = [
        {"name": name, "label": t.field(name), "value": _display(t, name, getattr(case, name))}
        for name in cases.LEDGER_FIELDS
    ]
    return {
        "ui": ui,
        "case": case,
        "detail": detail,
        "parcel": parcel,
        "parcel_rows": _parcel_rows(t, parcel),
        "buildings": list(parcel.buildings),
        "fields": fields,
        "warnings": warnings,
        "timeline": _timeline(t, events, files),
        "attachments": files,
        "transitions": _transition_forms(detail, case, workflow) if ui.can_edit else [],
        "edit_fields": [_field_input(f, getattr(case, f)) for f in EDIT_FIELDS],
        "can_revitalize": ui.can_edit and case.status == "disposing",
        "can_attach": ui.can_edit and case.status != "closed",
        "map_src": f"/map/parcels/{quote(parcel.parcel_code, safe='')}",
        "status_colour": STATUS_COLOURS.get(case.status, "#999"),
        "today": wallclock.today().isoformat(),
        "accept": ",".join(attachments.accepted_extensions()),
        "max_mb": settings.attachment_max_mb,
        "form": form or {},
    }


def _case_page(
    request: Request,
    session: Any,
    settings: Settings,
    case_no: str,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    ui = ui_for(request)
    try:
        context = _case_context(session, settings, ui, case_no, form)
    except NotFound as error:
        return _refused(request, ui, error, 404)
    return _render(request, "case.html", context)


@router.get("/cases/{case_no}", response_class=HTMLResponse)
def case_page(
    case_no: str, request: Request, session: SessionDep, settings: SettingsDep, _: ReaderDep
) -> HTMLResponse:
    """One case: its parcel, fields, warnings, history, attachments and the changes the
    user may make now."""
    return _case_page(request, session, settings, case_no)


def _actor(principal: Principal) -> cases.Actor:
    return cases.Actor(principal.username, principal.role)


def _seen_version(form: FormData) -> int:
    text = _text(form, "version")
    return int(text) if text.isdigit() else 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidDate(text) from exc


def _occurred_on(form: FormData) -> dt.date:
    text = _text(form, "occurred_on")
    return _date(text) if text else wallclock.today()


class InvalidDate(InvalidInput):
    """A date field that is not a date."""

    def __init__(self, text: str) -> None:
        super().__init__(f"日期 {text!r} 无法识别。", f"The date {text!r} cannot be read.")


def _float(form: FormData, name: str, label_zh: str, label_en: str) -> float | None:
    text = _text(form, name).replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError as exc:
        raise InvalidInput(
            f"{label_zh} {text!r} 不是数字。", f"{label_en}: {text!r} is not a number."
        ) from exc
    if not math.isfinite(number) or number < 0:
        raise InvalidInput(
            f"{label_zh}须为不小于 0 的数字。", f"{label_en} must be a number not below 0."
        )
    return number


def _attempt(
    request: Request,
    session: Any,
    settings: Settings,
    case_no: str,
    form: dict[str, Any],
    change: Any,
    done: str,
) -> Response:
    """Run ``change`` in a savepoint: on success go back to the case page (303); when the
    library refuses, show the page again with the message and the user's input."""
    try:
        with session.begin_nested():
            change()
    except LandGISError as error:
        ui = ui_for(request)
        form = form | {"error": ui.t.message(error)}
        form["problem_fields"] = [p.get("field") for p in error.problems]
        if isinstance(error, StaleVersion):
            events = cases.case_history(session, case_no)
            form["stale"] = True
            form["newer"] = _newer_values(ui.t, events, form.get("seen_version", 0))
        # Shown with 200: the page is a normal page, asking the user to correct something.
        return _case_page(request, session, settings, case_no, form)
    _flash(request, done)
    return RedirectResponse(f"/cases/{quote(case_no, safe='')}#history", status_code=303)


@router.post("/cases/{case_no}/status", response_model=None)
def change_status_form(
    case_no: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
    form: FormDep,
) -> Response:
    """Move the case to the chosen status with its evidence (revitalization: with area)."""
    target = _text(form, "target")
    names = [k[len("field_") :] for k in form if k.startswith("field_")]
    typed = _values(form, [f"field_{n}" for n in names])
    typed |= _values(
        form, ("occurred_on", "document_no", "note", "area_mu", "building_area_m2", "target")
    )
    version = _seen_version(form)
    kept = {"kind": "status", "target": target, "values": typed, "seen_version": version}

    def change() -> None:
        _check_lengths(typed)
        fields = {n: typed[f"field_{n}"] for n in names if typed[f"field_{n}"]}
        occurred_on = _occurred_on(form)
        area_mu = _float(form, "area_mu", "本次盘活面积", "Revitalized area")
        floor = _float(form, "building_area_m2", "盘活厂房面积", "Revitalized floor area")
        common = {
            "version": version,
            "actor": _actor(principal),
            "occurred_on": occurred_on,
            "document_no": typed["document_no"] or None,
            "note": typed["note"] or None,
            "workflow": _workflow(settings),
        }
        if target == "revitalized" and (area_mu or floor):
            # Recording the area revitalized now completes the case in one event, dated
            # the revitalization date when one was given.
            day = fields.pop("revitalized_on", "")
            common["occurred_on"] = _date(day) if day else occurred_on
            cases.record_revitalization(
                session,
                case_no,
                area_m2=mu_to_m2(area_mu or 0.0),
                building_area_m2=floor or 0.0,
                complete=True,
                **common,
            )
        else:
            cases.change_status(session, case_no, target, fields=fields, **common)

    return _attempt(request, session, settings, case_no, kept, change, "flash.status_changed")


REVITALIZATION_INPUTS = (
    "area_mu",
    "building_area_m2",
    "new_holder",
    "new_project",
    "amount_yuan",
    "occurred_on",
    "document_no",
    "note",
)


@router.post("/cases/{case_no}/revitalizations", response_model=None)
def revitalization_form(
    case_no: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
    form: FormDep,
) -> Response:
    """Record (partial) revitalization of a case being disposed of."""
    typed = _values(form, REVITALIZATION_INPUTS) | {"complete": _text(form, "complete")}
    version = _seen_version(form)
    kept = {"kind": "revitalization", "values": typed, "seen_version": version}

    def change() -> None:
        _check_lengths(typed)
        area_mu = _float(form, "area_mu", "本次盘活面积", "Revitalized area")
        floor = _float(form, "building_area_m2", "盘活厂房面积", "Revitalized floor area")
        amount = _float(form, "amount_yuan", "金额", "Amount")
        extra = {
            "new_holder": typed["new_holder"] or None,
            "new_project": typed["new_project"] or None,
            "amount_yuan": amount,
        }
        cases.record_revitalization(
            session,
            case_no,
            version=version,
            actor=_actor(principal),
            occurred_on=_occurred_on(form),
            area_m2=mu_to_m2(area_mu or 0.0),
            building_area_m2=floor or 0.0,
            fields={k: v for k, v in extra.items() if v is not None},
            complete=typed["complete"] == "1",
            document_no=typed["document_no"] or None,
            note=typed["note"] or None,
            workflow=_workflow(settings),
        )

    return _attempt(request, session, settings, case_no, kept, change, "flash.revitalized")


@router.post("/cases/{case_no}/edit", response_model=None)
def edit_form(
    case_no: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
    form: FormDep,
) -> Response:
    """Change the case's own fields (cause, deadline, responsible unit, remarks …)."""
    typed = _values(form, [f"field_{n}" for n in EDIT_FIELDS])
    typed |= _values(form, ("occurred_on", "document_no", "note"))
    version = _seen_version(form)
    kept = {"kind": "edit", "values": typed, "seen_version": version}

    def change() -> None:
        _check_lengths(typed)
        cases.edit_case(
            session,
            case_no,
            version=version,
            actor=_actor(principal),
            occurred_on=_occurred_on(form),
            fields={n: typed[f"field_{n}"] or None for n in EDIT_FIELDS},
            document_no=typed["document_no"] or None,
            note=typed["note"] or None,
        )

    return _attempt(request, session, settings, case_no, kept, change, "flash.edited")


# --- attachments ----------------------------------------------------------------------------


def _attachment_max_bytes(settings: Settings) -> int:
    return int(settings.attachment_max_mb * (1 << 20))


def _attachment_refusal(
    request: Request,
    session: Any,
    settings: Settings,
    case_no: str,
    error: LandGISError,
    description: str = "",
) -> Response:
    """The case page again, saying why the file was refused, answered with the refusal's
    status (413, 415, 422, 409 …) unless the page is an error of its own (404)."""
    ui = ui_for(request)
    form = {
        "kind": "attachment",
        "values": {"description": description},
        "error": ui.t.message(error),
        "problem_fields": [p.get("field") for p in error.problems],
    }
    response = _case_page(request, session, settings, case_no, form)
    if response.status_code == 200:
        response.status_code = status_code_for(error)
    return response


def _attach(
    request: Request,
    settings: Settings,
    case_no: str,
    principal: Principal,
    upload: Upload | None,
    description: str,
) -> Response:
    """Store the received file as an attachment (in a worker thread: it writes to the
    database and the attachments folder); on a refusal, the case page again."""
    with transaction(request.app.state.engine) as session:
        try:
            with session.begin_nested():
                _check_lengths({"description": description})
                if upload is None:
                    raise InvalidInput("请选择要上传的文件。", "Choose a file to upload.")
                with upload.path.open("rb") as stream:
                    attachments.save_attachment(
                        session,
                        case_no,
                        stream,
                        filename=upload.filename,
                        uploaded_by=principal.username,
                        folder=settings.attachments_dir,
                        max_bytes=_attachment_max_bytes(settings),
                        description=description or None,
                    )
        except LandGISError as error:
            return _attachment_refusal(request, session, settings, case_no, error, description)
    _flash(request, "flash.attached")
    return RedirectResponse(f"/cases/{quote(case_no, safe='')}#attachments", status_code=303)


def _refuse_attachment(
    request: Request, settings: Settings, case_no: str, error: LandGISError, description: str
) -> Response:
    """:func:`_attachment_refusal` for a file refused while it streamed (worker thread)."""
    with transaction(request.app.state.engine) as session:
        return _attachment_refusal(request, session, settings, case_no, error, description)


@router.post("/cases/{case_no}/attachments", response_model=None)
async def upload_attachment(
    case_no: str, request: Request, settings: SettingsDep, principal: UploaderDep
) -> Response:
    """Attach a document (PDF or image, checked by content and size) to the case.

    The editor role is checked before the file is read, its size while it streams in.
    An upload changes nothing of the case and writes no case event: the case's version
    stays, so nobody's open form goes stale because a scan was added. A refused file
    shows the case page again with the reason, answered 413, 415 or 422."""
    spec = FormSpec(
        files=(FileField("file", _attachment_max_bytes(settings)),),
        fields=("description",),
        max_field_bytes=4 * attachments.MAX_DESCRIPTION,
    )
    received = UploadForm()
    try:
        async with received_form(request, spec, principal, received) as form:
            return await run_in_threadpool(
                _attach,
                request,
                settings,
                case_no,
                principal,
                form.files.get("file"),
                form.text("description"),
            )
    except InvalidInput as error:  # too large, empty, malformed: refused while it streamed
        description = received.text("description")
        return await run_in_threadpool(
            _refuse_attachment, request, settings, case_no, error, description
        )


@router.get("/cases/{case_no}/attachments/{attachment_id}", response_model=None)
def download_attachment(
    case_no: str,
    attachment_id: int,
    session: SessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    download: bool = False,
) -> Response:
    """The attached file: shown in the browser (PDF, common images) or downloaded; either
    way in a sandbox where it runs no script (an active type, such as SVG or HTML, is only
    ever downloaded)."""
    item = attachments.get_attachment(session, case_no, attachment_id)
    path = attachments.attachment_path(item, settings.attachments_dir)
    inline = item.media_type in attachments.INLINE_MEDIA_TYPES and not download
    return FileResponse(
        path,
        media_type=item.media_type,
        filename=item.filename,
        content_disposition_type="inline" if inline else "attachment",
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": ATTACHMENT_POLICY,
            "Cache-Control": "private, max-age=0",
        },
    )


# --- import ---------------------------------------------------------------------------------
# The import library's interface is used here only: one call, one reading of its report.

STAGING = Path(tempfile.gettempdir()) / "landgis-import-staging"
STAGING_HOURS = 24
TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,64}$")
MAX_STAGED = 5


def _run_import(session: Any, staged: Mapping[str, Any], *, dry_run: bool) -> Any:
    """``landgis.imports.import_parcels`` on a staged file, with the options chosen."""
    return imports.import_parcels(
        session,
        Path(staged["path"]),
        layer=staged.get("layer") or None,
        crs=staged.get("crs") or None,
        mode=staged.get("mode") or "insert",
        swap_xy=bool(staged.get("swap_xy")),
        dry_run=dry_run,
        actor=staged["user"],
    )


def _report_view(report: Any = None, error: LandGISError | None = None) -> dict[str, Any]:
    """An import report, or a refusal, in the page's terms."""
    report = getattr(error, "report", None) if error is not None else report
    body = report.to_dict() if report is not None else {}
    problems = body.get("problems", error.problems if error is not None else [])
    return {
        "refused": error is not None or not body.get("accepted", True),
        "message": error.message if error is not None else None,
        "message_en": error.message_en if error is not None else None,
        "problems": [
            {
                "row": p.get("row"),
                "parcel_code": p.get("parcel_code"),
                "severity": p.get("severity") or "error",
                "message": p.get("message") or p.get("problem") or "",
                "message_en": p.get("message_en") or p.get("problem_en") or "",
            }
            for p in problems
        ],
        "count": body.get("parcels", 0),
        "area_mu": float(body.get("area_mu") or 0.0),
        "codes": body.get("parcel_codes") or [],
        "inserted": body.get("inserted", 0),
        "updated": body.get("updated", 0),
        "unchanged": body.get("unchanged", 0),
        "mode": body.get("mode", "insert"),
        "details": [(k, body[k]) for k in ("format", "layer", "encoding", "crs") if body.get(k)],
    }


def _clean_staging() -> None:
    remove_old_entries(STAGING, STAGING_HOURS)


def _stage(upload: Upload, form: UploadForm, username: str) -> tuple[str, dict[str, Any]]:
    """Keep a received upload until it is confirmed: moved into a staging folder of its
    own (the request's upload folder is removed when the request ends)."""
    _clean_staging()
    token = secrets.token_urlsafe(18)
    folder = STAGING / token
    folder.mkdir(parents=True)
    path = folder / upload.path.name
    shutil.move(upload.path, path)
    staged = {
        "path": str(path),
        "name": upload.filename or path.name,
        "crs": form.text("crs")[:64],
        "layer": form.text("layer")[:128],
        "mode": "upsert" if form.text("mode") == "upsert" else "insert",
        "swap_xy": form.text("swap_xy") == "1",
        "user": username,
    }
    return token, staged


def _staged(request: Request, token: str, principal: Principal) -> dict[str, Any]:
    staged = (request.session.get("imports") or {}).get(token) if TOKEN.match(token) else None
    if not staged or staged.get("user") != principal.username or not Path(staged["path"]).exists():
        raise NotFound(
            "这个导入文件已失效(已导入或已过期),请重新上传。",
            "This import file is no longer available (imported or expired); upload it again.",
        )
    return staged


def _forget(request: Request, token: str) -> None:
    staged = dict(request.session.get("imports") or {})
    entry = staged.pop(token, None)
    request.session["imports"] = staged
    if entry:
        _forget_file(entry)


def _forget_file(staged: Mapping[str, Any]) -> None:
    path = Path(staged["path"])
    path.unlink(missing_ok=True)
    if path.parent.is_dir() and not any(path.parent.iterdir()):
        path.parent.rmdir()


def _editor_page(request: Request) -> UI | HTMLResponse:
    """The page's UI for an editor; for anyone else, a page saying the role is needed."""
    ui = ui_for(request)
    if not ui.can_edit:
        error = PermissionDenied(
            "导入宗地需要编辑权限。", "Importing parcels needs the editor role."
        )
        return _refused(request, ui, error, 403)
    return ui


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, _: ReaderDep) -> HTMLResponse:
    """Upload a file of parcels to check it before anything is stored."""
    ui = _editor_page(request)
    if isinstance(ui, HTMLResponse):
        return ui
    return _render(request, "import.html", _import_context(ui))


def _import_context(ui: UI, **extra: Any) -> dict[str, Any]:
    context = {"ui": ui, "report": None, "staged": None, "accept": ",".join(PARCEL_SUFFIXES)}
    return context | extra


def _import_form(
    request: Request, ui: UI, error: LandGISError, status_code: int = 200
) -> HTMLResponse:
    """The upload form again, saying what was wrong."""
    context = _import_context(ui, error=ui.t.message(error))
    return _render(request, "import.html", context, status_code=status_code)


def _dry_run(request: Request, staged: Mapping[str, Any]) -> dict[str, Any]:
    """The report of what importing the staged file would do (in a worker thread, in a
    savepoint rolled back whatever the library did)."""
    with transaction(request.app.state.engine) as session:
        savepoint = session.begin_nested()
        try:
            return _report_view(_run_import(session, staged, dry_run=True))
        except LandGISError as error:
            return _report_view(error=error)
        finally:
            savepoint.rollback()


@router.post("/import", response_class=HTMLResponse)
async def import_check(
    request: Request, settings: SettingsDep, principal: UploaderDep
) -> HTMLResponse:
    """Dry run: the report of what the import would do, and a preview map.

    The editor role is checked before the file is read, its size and type while it
    streams in. A refused file shows the form again (413, 415 or 422); a file whose
    report has errors shows the report (422)."""
    ui = ui_for(request)
    spec = FormSpec(
        files=(parcel_file(settings.import_max_mb << 20),),
        fields=("crs", "layer", "mode", "swap_xy"),
        max_field_bytes=1024,
    )
    try:
        async with received_form(request, spec, principal) as form:
            token, staged = _stage(form.files["file"], form, principal.username)
    except InvalidInput as error:  # no file, a type no reader takes, too large, empty
        return _import_form(request, ui, error, status_code_for(error))
    report = await run_in_threadpool(_dry_run, request, staged)
    if report["refused"]:
        _forget_file(staged)
    else:
        kept = dict(request.session.get("imports") or {})
        kept = dict(list(kept.items())[-(MAX_STAGED - 1) :]) | {token: staged}
        request.session["imports"] = kept
    context = _import_context(ui, report=report, staged=staged, token=token)
    return _render(request, "import.html", context, status_code=422 if report["refused"] else 200)


@router.get("/import/{token}/preview", response_class=HTMLResponse)
def import_preview(
    token: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: EditorDep,
) -> HTMLResponse:
    """The parcels of a checked file on a map, exactly as they would be stored: imported in
    a savepoint, drawn, and rolled back."""
    staged = _staged(request, token, principal)
    savepoint = session.begin_nested()
    try:
        report = _report_view(_run_import(session, staged, dry_run=False))
        frame = parcels_frame(session, ParcelFilter(codes=tuple(report["codes"])))
        zones = zones_frame(session)
    finally:
        savepoint.rollback()
    ui = ui_for(request)
    fmap = ledger_map(
        frame,
        zones,
        basemap=settings.basemap,
        tianditu_key=settings.tianditu_key,
        title=ui.t("import.preview"),
        labels=map_labels(ui.lang),
    )
    return map_response(request, fmap, settings.basemap, settings.tianditu_key)


@router.post("/import/{token}/confirm", response_model=None)
def import_confirm(
    token: str, request: Request, session: SessionDep, principal: EditorDep
) -> Response:
    """Import the checked file for real; then show where the new parcels are."""
    ui = ui_for(request)
    try:
        staged = _staged(request, token, principal)
    except NotFound as error:
        return _import_form(request, ui, error)
    try:
        with session.begin_nested():
            report = _report_view(_run_import(session, staged, dry_run=False))
    except LandGISError as error:
        context = _import_context(ui, report=_report_view(error=error), staged=staged)
        _forget(request, token)
        return _render(request, "import.html", context)
    _forget(request, token)
    _flash(
        request,
        "flash.imported",
        inserted=report["inserted"],
        updated=report["updated"],
        area=f"{report['area_mu']:,.2f}",
    )
    return RedirectResponse("/import", status_code=303)

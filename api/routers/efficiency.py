"""The per-mu evaluation (亩均效益评价) of a year, and the years that have figures."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Cookie, Query

from api.deps import ReaderDep, ReadSessionDep, SettingsDep
from api.web.i18n import COOKIE, language_of
from landgis.efficiency.evaluation import FIRST_YEAR, LAST_YEAR
from landgis.efficiency.figures import figure_years
from landgis.efficiency.report import evaluation_dict
from landgis.efficiency.summary import evaluation_summary

router = APIRouter(prefix="/api/efficiency", tags=["efficiency"])

LangQuery = Annotated[
    Literal["zh", "en"] | None,
    Query(description="Language of the indicators' and classes' names (default: the UI's)"),
]
LangCookie = Annotated[str | None, Cookie(alias=COOKIE, include_in_schema=False)]


@router.get("", summary="The per-mu evaluation (亩均效益评价) of a year")
def evaluation(
    session: ReadSessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    year: Annotated[
        int, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="The year evaluated", examples=[2023])
    ],
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> dict[str, Any]:
    """Every enterprise with figures that year and land in the county: its parcels, area
    (亩), figures, indicators, each counted indicator's score against the benchmarks, its
    score and class (A 优先发展, B 提升发展, C 整治提升, D 淘汰退出), and its class and
    score of the year before with the trend; under the county's settings
    (``LANDGIS_EFFICIENCY__*``). With the land (亩) of each class (``class_area_mu``) and
    the enterprises and 亩 of each class in each zone (``by_zone``: an enterprise with
    parcels in two zones counts in both, with the land it holds in each). 404 when the
    year has no figures."""
    found, summary = evaluation_summary(session, settings.efficiency, year)
    return evaluation_dict(found, language_of(lang, lang_cookie), summary)


@router.get("/years", summary="The years that have enterprises' figures")
def years(session: ReadSessionDep, _: ReaderDep) -> dict[str, Any]:
    """The years in order, with how many enterprises reported figures each year."""
    counts = figure_years(session)
    return {
        "years": list(counts),
        "enterprises": {str(year): count for year, count in counts.items()},
    }

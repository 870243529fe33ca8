"""An evaluation as JSON-ready data: what ``GET /api/efficiency`` answers and
``landgis efficiency show --json`` prints."""

from __future__ import annotations

import math
from typing import Any

from landgis.efficiency.evaluation import Evaluation
from landgis.efficiency.indicators import CLASS_NAMES, CLASSES, FIGURES, INDICATORS
from landgis.efficiency.scoring import effective_weights, score_column
from landgis.efficiency.summary import ClassSummary
from landgis.i18n import DEFAULT_LANGUAGE, Localizable, _, localized

# The indicators' units as shown to people (the units themselves are codes, in Chinese).
UNIT_LABELS: dict[str, Localizable] = {
    "万元/亩": _("万元/亩"),
    "万元/吨标准煤": _("万元/吨标准煤"),
    "万元/吨": _("万元/吨"),
    "万元/人": _("万元/人"),
}


def unit_label(unit: str) -> Localizable | str:
    """``unit`` as people read it, in any language."""
    return UNIT_LABELS.get(unit, unit)


# The keys of each item, in order (``scores`` holds the counted indicators' scores).
ITEM_KEYS: tuple[str, ...] = (
    "credit_code",
    "name",
    "parcel_codes",
    "zone",
    "matched_by",
    "area_m2",
    "area_mu",
    *FIGURES,
    *(indicator.key for indicator in INDICATORS),
    "scores",
    "score",
    "class",
    "previous_score",
    "previous_class",
    "trend",
)


def plain(value: Any) -> Any:
    """A JSON-ready value: NaN and None become None, numpy scalars Python ones."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [plain(each) for each in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def evaluation_items(evaluation: Evaluation) -> list[dict[str, Any]]:
    """One dict per enterprise evaluated, best first, in the keys :data:`ITEM_KEYS`."""
    counted = list(evaluation.rules.counted())
    items = []
    for record in evaluation.items.to_dict("records"):
        record["scores"] = {key: plain(record[score_column(key)]) for key in counted}
        items.append({key: plain(record[key]) for key in ITEM_KEYS})
    return items


def evaluation_dict(
    evaluation: Evaluation, lang: str = DEFAULT_LANGUAGE, summary: ClassSummary | None = None
) -> dict[str, Any]:
    """The evaluation as JSON-ready data: the year, the indicators (label in ``lang``,
    unit, weight as counted, where the benchmark comes from), the benchmarks, the cap and
    thresholds, the classes and how many enterprises each has, with ``summary`` their land
    (``class_area_mu``) and both by zone (``by_zone``), the enterprises evaluated
    (``items``) and the enterprises with figures but no land (``unmatched``)."""
    rules, weights = evaluation.rules, effective_weights(evaluation.rules)
    counts = evaluation.class_counts()
    summed = summary.to_dict() if summary is not None else {}
    return {
        "year": evaluation.year,
        "previous_year": evaluation.previous_year,
        "indicators": [
            {
                "key": indicator.key,
                "label": indicator.label.render(lang),
                "unit": indicator.unit,
                "unit_label": localized(unit_label(indicator.unit), lang),
                "numerator": indicator.numerator,
                "denominator": indicator.denominator,
                "weight": weights.get(indicator.key, 0.0),
                "benchmark_source": "set" if indicator.key in rules.benchmarks else "county",
            }
            for indicator in INDICATORS
        ],
        "benchmarks": {key: plain(value) for key, value in evaluation.benchmarks.items()},
        "cap": rules.cap,
        "thresholds": dict(rules.thresholds),
        "classes": [
            {"class": name, "name": CLASS_NAMES[name].render(lang), "count": counts[name]}
            for name in CLASSES
        ],
        "class_counts": counts,
        **summed,
        "items": evaluation_items(evaluation),
        "unmatched": [
            {"credit_code": plain(row["credit_code"]), "name": row["name"]}
            for row in evaluation.unmatched.to_dict("records")
        ],
    }

"""``landgis efficiency``: the per-mu evaluation (亩均效益评价) of enterprises."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from landgis.cli.common import (
    DatabaseOption,
    JsonOption,
    examples,
    fail,
    folder_for,
    language,
    ledger_unit,
    print_json,
    say,
    settings_for,
    unit_of_work,
)
from landgis.errors import LandGISError
from landgis.i18n import _, term

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from landgis.efficiency.evaluation import Evaluation

app = typer.Typer(
    help="The per-mu evaluation (亩均效益评价): enterprises' yearly figures on their land, "
    "scored and classed A-D."
)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns."""
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def _table(evaluation: Evaluation, lang: str) -> list[str]:
    """The enterprises as a table: name, area (亩), tax per 亩 (万元/亩), score, class and
    the class of the year before; each column as wide as its widest cell."""
    titles = (_("企业名称"), _("面积(亩)"), _("亩均税收(万元/亩)"), _("得分"), _("类别"), _("上年"))
    headers = [title.render(lang) for title in titles]
    columns = evaluation.items[
        ["name", "area_mu", "tax_per_mu", "score", "class", "previous_class"]
    ]
    rows = [
        [
            str(name),
            f"{area_mu:.2f}",
            "-" if tax_per_mu != tax_per_mu else f"{tax_per_mu:.2f}",
            f"{score:.2f}",
            str(grade),
            previous if isinstance(previous, str) else "-",
        ]
        for name, area_mu, tax_per_mu, score, grade, previous in columns.itertuples(
            index=False, name=None
        )
    ]
    widths = [max(_width(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    return [
        "  ".join(
            _pad(cell, width, right=position > 0)
            for position, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in (headers, *rows)
    ]


def _year_or_latest(session: Session, year: int | None) -> int:
    """``year``, or the latest year with figures; :class:`NotFound` when none has any."""
    from landgis.efficiency.figures import figure_years
    from landgis.errors import NotFound

    if year is not None:
        return year
    years = figure_years(session)
    if not years:
        raise NotFound(_("还没有企业亩均数据,请先导入。"))
    return max(years)


LatestYearOption = Annotated[
    int | None,
    typer.Option("--year", help="The year evaluated (default: the latest with figures)."),
]


@app.command(epilog=examples("landgis efficiency show --year 2023"))
def show(
    year: LatestYearOption = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """The evaluation of a year: each enterprise's area (亩), tax per 亩, score and class
    (A 优先发展, B 提升发展, C 整治提升, D 淘汰退出), and how many are in each class."""
    from landgis.efficiency.indicators import BY_KEY, CLASS_NAMES
    from landgis.efficiency.report import evaluation_dict, unit_label
    from landgis.efficiency.summary import evaluation_summary

    with unit_of_work(database_url, write=False) as (session, settings):
        evaluation, summary = evaluation_summary(
            session, settings.efficiency, _year_or_latest(session, year)
        )
    lang = language()
    if as_json:
        print_json(evaluation_dict(evaluation, lang, summary))
        return
    tax = BY_KEY["tax_per_mu"]
    value = evaluation.benchmarks[tax.key]
    benchmark = "-" if value is None else f"{value:.2f}"
    say(
        _(
            "{year} 年度亩均效益评价:参评企业 {count} 家;{label}基准 {benchmark} {unit}",
            year=evaluation.year,
            count=len(evaluation.items),
            label=tax.label,
            benchmark=benchmark,
            unit=unit_label(tax.unit),
        )
    )
    for line in _table(evaluation, lang):
        typer.echo(line)
    for name, count in evaluation.class_counts().items():
        say(_("{name} 类({title}):{count} 家", name=name, title=CLASS_NAMES[name], count=count))
    if len(evaluation.unmatched):
        names = "、".join(str(name) for name in evaluation.unmatched["name"])
        say(
            _(
                "有数据但未找到宗地的企业 {count} 家:{names}",
                count=len(evaluation.unmatched),
                names=names,
            )
        )


@app.command(epilog=examples("landgis efficiency export --year 2023 --out 亩均效益评价_2023.xlsx"))
def export(
    year: LatestYearOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="File to write (default: 亩均效益评价_<county>_<year>.xlsx)."
        ),
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Write the year's evaluation as the county's results table (.xlsx): one row per
    enterprise (land, figures, indicators, score, class, last year's class), the
    benchmarks, weights, cap and thresholds used, and the enterprises with no land."""
    from landgis.efficiency.evaluation import evaluate
    from landgis.io.exports.efficiency_workbook import (
        efficiency_filenames,
        write_efficiency_file,
    )
    from landgis.io.exports.print_setup import PrintSetup

    with unit_of_work(database_url, write=False) as (session, settings):
        evaluation = evaluate(session, settings.efficiency, _year_or_latest(session, year))
        county = settings.county_name
        target = folder_for(out or Path(efficiency_filenames(county, evaluation.year)[0]))
        paper = PrintSetup.from_settings(settings).paper
        write_efficiency_file(evaluation, target, county=county, paper=paper)
    say(
        _(
            "已导出 {year} 年度亩均效益评价 {count} 家企业 → {out}",
            year=evaluation.year,
            count=len(evaluation.items),
            out=target,
        )
    )


@app.command(
    "import",
    epilog=examples(
        "landgis efficiency import data/geo/demo_county/enterprise_figures_2023.csv "
        "--year 2023 --dry-run"
    ),
)
def import_figures(
    file: Annotated[Path, typer.Argument(help="The year's figures: CSV, XLSX or XLS.")],
    year: Annotated[int, typer.Option("--year", help="The year the figures are of.")],
    mapping: Annotated[
        Path | None,
        typer.Option(help='JSON or YAML file {"file column": "field"} for other headers.'),
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="The worksheet to read.")] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Store the rows that pass and refuse the rest (else any error refuses all).",
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Import the enterprises' figures of a year, replacing that year's (all or nothing,
    or with --skip-invalid the rows that pass); exit code 2 when refused. Enterprises
    matched to no parcel are stored and listed with the holders' names nearly theirs."""
    from landgis.db.engine import make_engine
    from landgis.db.session import transaction
    from landgis.efficiency.imports import FiguresOptions, FiguresRefused
    from landgis.efficiency.imports import import_figures as run_import

    settings = settings_for(database_url)
    engine = make_engine(settings)
    try:
        options = FiguresOptions.build(
            year=year, mapping=mapping, sheet=sheet, skip_invalid=skip_invalid
        )
        with transaction(engine) as session:
            report = run_import(session, file, options, dry_run=dry_run)
    except FiguresRefused as refused:  # rolled back; the report says why
        report = refused.report
    except LandGISError as error:
        fail(error)
    finally:
        engine.dispose()
    if as_json:
        print_json(report.to_dict())
    else:
        for line in report.text_lines(lang=language()):
            typer.echo(line, err=not report.accepted)
    if not report.accepted:
        raise typer.Exit(code=2)


YearOption = Annotated[int, typer.Option("--year", help="The year evaluated.")]
ParcelArgument = Annotated[str, typer.Argument(help="宗地编号 of the parcel suggested.")]
ActorOption = Annotated[
    str | None,
    typer.Option("--actor", metavar="NAME", help="Who decides (default: login name)."),
]


@app.command(epilog=examples("landgis efficiency suggestions --year 2023"))
def suggestions(
    year: YearOption,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """The cases the year's evaluation suggests: parcels with no case in the ledger and no
    decision that year, low-efficiency (their enterprise's class) or possibly idle (no tax
    for years, or no figures at all), each with its reason."""
    from landgis.efficiency.suggestions import suggestions as suggested

    with unit_of_work(database_url, write=False) as (session, settings):
        found = suggested(session, settings.efficiency, year)
    lang = language()
    if as_json:
        print_json({"year": year, "items": [item.to_dict(lang) for item in found]})
        return
    say(_("{year} 年度建议立案 {count} 宗", year=year, count=len(found)))
    for item in found:
        typer.echo(
            f"{item.parcel_code}  {item.holder or '-'}  {item.area_mu:.2f}  "
            f"{term('category', item.category).render(lang)}  {item.reason.render(lang)}"
        )


@app.command("open", epilog=examples("landgis efficiency open 519901004002GB00022 --year 2023"))
def open_(
    parcel_code: ParcelArgument,
    year: YearOption,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Open the parcel's suggested case of the year in the ledger, with its category,
    cause and the evaluation's figures."""
    from landgis.efficiency.reviews import open_from_suggestion

    with ledger_unit(database_url, actor) as ledger:
        case = open_from_suggestion(ledger, year, parcel_code)
        say(
            _(
                "{case_no}:{status},版本 {version}",
                case_no=case.case_no,
                status=term("status", case.status),
                version=case.version,
            )
        )


@app.command(
    epilog=examples(
        "landgis efficiency dismiss 519901004002GB00062 --year 2023 --reason 供水设施用地"
    )
)
def dismiss(
    parcel_code: ParcelArgument,
    year: YearOption,
    reason: Annotated[str, typer.Option("--reason", help="Why no case is opened (required).")],
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Dismiss the parcel's suggested case of the year for a reason: it is not suggested
    again that year."""
    from landgis.efficiency.reviews import dismiss_suggestion

    with ledger_unit(database_url, actor) as ledger:
        dismiss_suggestion(ledger, year, parcel_code, reason)
    say(_("宗地 {parcel_code} 的 {year} 年度建议已不予立案。", parcel_code=parcel_code, year=year))

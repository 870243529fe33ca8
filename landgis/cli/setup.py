"""Commands that set landgis up: the database, the demo county, imports, the server."""

from __future__ import annotations

import gc
import os
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from landgis.cli.common import (
    DatabaseOption,
    JsonOption,
    fail,
    language,
    print_json,
    say,
    settings_for,
    unit_of_work,
)
from landgis.errors import LandGISError
from landgis.i18n import Text, _, listing
from landgis.import_modes import BATCH_SIZE, ImportMode

if TYPE_CHECKING:
    import uvicorn

    from landgis.imports import ImportProgress
    from landgis.io.problems import Problem


def init(database_url: DatabaseOption = None) -> None:
    """Create the database, or migrate it to the newest schema."""
    from landgis.db.engine import make_engine
    from landgis.db.migrate import current_revision, upgrade

    settings = settings_for(database_url)
    try:
        engine = make_engine(settings)
        upgrade(engine)
    except LandGISError as error:
        fail(error)
    revision = current_revision(engine)
    say(_("数据库已就绪:{backend},结构版本 {schema}", backend=settings.backend, schema=revision))


def demo(
    data: Annotated[
        Path | None,
        typer.Option(help="GeoPackage shaped like the demo county (default: the demo county)."),
    ] = None,
    zones_only: Annotated[
        bool,
        typer.Option("--zones-only", help="Load only the zones, to import parcels into."),
    ] = False,
    ledger_only: Annotated[
        bool,
        typer.Option(
            "--ledger-only", help="Load only the cases and their events, onto imported parcels."
        ),
    ] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Load the demo county (idempotent); creates the database first when needed."""
    from landgis.demo import load_demo, load_ledger, load_zones

    init(database_url)
    if ledger_only:
        with unit_of_work(database_url) as (session, settings):
            cases, events = load_ledger(session, data or settings.demo_data)
        say(
            _("台账已加载:{cases} 宗,{events} 条处置记录", cases=cases, events=events)
            if cases
            else _("台账已存在,未重复加载")
        )
        return
    if zones_only:
        with unit_of_work(database_url) as (session, settings):
            zones = load_zones(session, data or settings.demo_data)
        say(_("片区已加载:{zones} 个", zones=zones) if zones else _("片区已存在,未重复加载"))
        return
    with unit_of_work(database_url) as (session, settings):
        report = load_demo(session, data or settings.demo_data, settings)
    if report.loaded:
        say(
            _(
                "演示数据已加载:片区 {zones} 个,宗地 {parcels} 宗,厂房 {buildings} 栋,"
                "台账 {cases} 宗,处置记录 {events} 条,企业亩均数据 {figures} 条,"
                "厂房单元 {units} 个,租约 {leases} 份,招商项目 {projects} 个",
                zones=report.zones,
                parcels=report.parcels,
                buildings=report.buildings,
                cases=report.cases,
                events=report.events,
                figures=report.figures,
                units=report.units,
                leases=report.leases,
                projects=report.projects,
            )
        )
    elif report.figures or report.units:
        say(
            _(
                "演示数据已存在;已加载企业亩均数据 {figures} 条,厂房单元 {units} 个,"
                "租约 {leases} 份,招商项目 {projects} 个",
                figures=report.figures,
                units=report.units,
                leases=report.leases,
                projects=report.projects,
            )
        )
    else:
        say(_("演示数据已存在,未重复加载"))


def import_file(
    file: Annotated[
        Path,
        typer.Argument(
            help="Parcel file: Shapefile (.shp, .zip or folder), GeoPackage, GeoJSON, "
            "KML/KMZ, DXF, CSV or XLSX."
        ),
    ],
    layer: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Layer, sheet, CAD layer or file in an archive to read."),
    ] = None,
    crs: Annotated[
        str | None,
        typer.Option(metavar="EPSG:CODE", help="CRS of the coordinates, e.g. EPSG:4523."),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(help='JSON or YAML file {"file column": "landgis field"}.'),
    ] = None,
    mode: Annotated[
        ImportMode, typer.Option(help="insert: new codes only; upsert: update existing.")
    ] = ImportMode.insert,
    swap_xy: Annotated[
        bool, typer.Option("--swap-xy", help="Exchange X and Y (northing/easting).")
    ] = False,
    from_gcj02: Annotated[
        bool,
        typer.Option("--from-gcj02", help="Move data digitized on GCJ-02 maps back."),
    ] = False,
    assign_codes: Annotated[
        str | None,
        typer.Option(
            "--assign-codes",
            metavar="PREFIX",
            help="Number the rows without a parcel code PREFIX-0001, PREFIX-0002 … "
            "(after the highest stored).",
        ),
    ] = None,
    code_template: Annotated[
        str | None,
        typer.Option(
            "--code-template",
            metavar="TEMPLATE",
            help="Compose parcel codes from columns, e.g. '{段小段}-{地號}'.",
        ),
    ] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the rows that pass and refuse the rest (else any error refuses all).",
        ),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            metavar="FILE.xlsx",
            help="Write the rows with an error to this workbook (and their geometries to a "
            "GeoPackage of the same name), to fix and import again.",
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Rows read, checked and written at a time.")
    ] = BATCH_SIZE,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show progress on stderr.")
    ] = True,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Import parcels from a file, all or nothing (or, with --skip-invalid, the rows
    that pass); exit code 2 when refused.

    Progress goes to stderr: a bar on a terminal, one line per batch otherwise.
    """
    from landgis.db.engine import make_engine
    from landgis.db.session import transaction
    from landgis.imports import ImportOptions, ImportRefused, import_parcels

    settings = settings_for(database_url)
    gc.freeze()  # what is loaded by now outlives the import: left out of its collections
    try:
        options = ImportOptions.build(
            layer=layer,
            crs=crs,
            mapping=mapping,
            mode=mode.value,
            swap_xy=swap_xy,
            from_gcj02=from_gcj02,
            assign_codes=assign_codes,
            code_template=code_template,
            skip_invalid=skip_invalid,
            batch_size=batch_size,
        )
        with (
            transaction(make_engine(settings)) as session,
            _progress_display(progress) as show,
        ):
            report = import_parcels(
                session, file, options, dry_run=dry_run, progress=show, rejects=rejects
            )
    except ImportRefused as refused:  # rolled back; the report says why
        report = refused.report
    except LandGISError as error:
        fail(error)
    finally:
        gc.unfreeze()
    if as_json:
        print_json(report.to_dict())
    else:
        for line in report.text_lines(hint=_command_line_hint, lang=language()):
            typer.echo(line, err=not report.accepted)
    if not report.accepted:
        raise typer.Exit(code=2)


def _command_line_hint(problem: Problem) -> Text | None:
    """The options of ``landgis import`` that fix a problem, from its ``suggestion`` (the
    message itself names the choices in words any door understands)."""
    found = problem.suggestion or {}
    options: list[object] = []
    if "crs" in found:
        codes = found["crs"] or ["EPSG:…"]
        first = f"--crs {codes[0]}"
        if len(codes) > 1:
            options.append(_("{first}(或 {others})", first=first, others=" / ".join(codes[1:])))
        else:
            options.append(first)
    if found.get("swap_xy"):
        options.append("--swap-xy")
    if found.get("from_gcj02"):
        options.append("--from-gcj02")
    if "layer" in found:
        layers = found["layer"]
        options.append(f"--layer {layers[0]}" if len(layers) == 1 else _("--layer <图层>"))
    if found.get("mode"):
        options.append(f"--mode {found['mode']}")
    if found.get("mapping"):
        options.append(
            _('--mapping <映射文件,内容如 {{"列名": "{field}"}}>', field=found["mapping"])
        )
    if found.get("codes"):
        options.append(_("--assign-codes <前缀>"))
        options.append(_("--code-template <模板>"))
    if not options:
        return None
    return _("(命令行:{options})", options=listing(options, " "))


def _progress_line(step: ImportProgress, lang: str) -> str:
    if step.phase == "write" and step.dry_run:
        return _(
            "第 {batch} 批:将写入 {written} 行(试运行,未写入),用时 {seconds:.1f} 秒",
            batch=step.batch,
            written=step.rows_written,
            seconds=step.seconds,
        ).render(lang)
    if step.phase == "write":
        return _(
            "第 {batch} 批:已写入 {written} 行,用时 {seconds:.1f} 秒",
            batch=step.batch,
            written=step.rows_written,
            seconds=step.seconds,
        ).render(lang)
    return _(
        "第 {batch} 批:已读取并检查 {read}/{total} 行,错误 {errors} 处,用时 {seconds:.1f} 秒",
        batch=step.batch,
        read=step.rows_read,
        total=step.rows_total,
        errors=step.errors,
        seconds=step.seconds,
    ).render(lang)


@contextmanager
def _progress_display(
    enabled: bool,
) -> Iterator[Callable[[ImportProgress], None] | None]:
    """A progress callback drawing on stderr: a rich bar on a terminal, else lines."""
    if not enabled:
        yield None
        return
    lang = language()
    if not sys.stderr.isatty():
        yield lambda step: typer.echo(_progress_line(step, lang), err=True)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    def counts(written: int, errors: int, dry_run: bool = False) -> str:
        text = (
            _("行 · 将写入 {written} · 错误 {errors}", written=written, errors=errors)
            if dry_run
            else _("行 · 写入 {written} · 错误 {errors}", written=written, errors=errors)
        )
        return escape(text.render(lang))

    bar = Progress(
        TextColumn(escape(_("导入").render(lang))),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    task = bar.add_task(counts(0, 0), total=None)

    def show(step: ImportProgress) -> None:
        writing = step.phase == "write"
        bar.update(
            task,
            completed=step.rows_written if writing else step.rows_read,
            total=step.rows_total,
            description=counts(step.rows_written, step.errors, step.dry_run),
        )

    with bar:
        yield show


# SIGTERM waits this long for the requests under way, then the server stops regardless.
GRACEFUL_SHUTDOWN_SECONDS = 20


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes serving the same database.")
    ] = 1,
    database_url: DatabaseOption = None,
    access_log: Annotated[
        bool, typer.Option(help="Log each request (uvicorn's access log) on standard output.")
    ] = True,
) -> None:
    """Serve the API, the maps and the web pages (http://127.0.0.1:8000 by default).

    Workers keep no state of their own: sessions, locks and versions live in the
    database, and the key signing session cookies is LANDGIS_SECRET_KEY or one the
    database keeps, so every worker and host shares it and a restart logs nobody out.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from landgis.settings import get_settings

    settings = settings_for(database_url)
    # The app reads its settings from the environment, in this process (one worker) or in
    # each worker process: hand the command's options over, and forget what was read.
    os.environ["LANDGIS_DATABASE_URL"] = settings.database_url
    get_settings.cache_clear()
    config = uvicorn.Config(
        "api.main:serve_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        access_log=access_log,
    )
    if workers > 1:
        Multiprocess(config, sockets=[listening_socket(config)]).run()
        return
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        raise typer.Exit(3)


def listening_socket(config: uvicorn.Config) -> socket.socket:
    """The socket several workers accept on, with Nagle's algorithm off.

    uvicorn's own shared socket leaves it on (asyncio sets TCP_NODELAY only where a
    socket's protocol reads as TCP, which a plain ``socket.socket()`` does not), and then a
    keep-alive client waits some 40 ms for the end of each response written in two parts
    (a vector tile, say). Accepted connections inherit the option on Linux.
    """
    sock = config.bind_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock

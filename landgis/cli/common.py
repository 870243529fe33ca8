"""What every command shares: the database option, settings, errors, JSON output.

Command modules import the library inside their commands (or through
:func:`lazy_module`), so that starting ``landgis`` loads only what the command run needs.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from landgis.errors import LandGISError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from landgis.settings import Settings

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="LANDGIS_DATABASE_URL",
        help="sqlite:///file.sqlite (SpatiaLite) or postgresql+psycopg://… (PostGIS).",
        show_envvar=True,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Date = dt.datetime | None


def date_option(*flags: str, help: str) -> Any:
    """A ``YYYY-MM-DD`` option."""
    return typer.Option(*flags, formats=["%Y-%m-%d"], help=help)


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, loaded when one of its attributes is first used."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # as an import would: ``landgis.cases`` is an attribute of ``landgis``
        setattr(sys.modules[parent], child, module)
    return module


def settings_for(database_url: str | None) -> Settings:
    """The settings, with the database the command was given."""
    from landgis.settings import get_settings

    base = get_settings()
    return base.model_copy(update={"database_url": database_url}) if database_url else base


def fail(error: LandGISError) -> NoReturn:
    """Print a library error for a clerk (Chinese, then English) and exit with status 2."""
    typer.echo(f"错误:{error.message}", err=True)
    if error.message_en != error.message:
        typer.echo(f"Error: {error.message_en}", err=True)
    for problem in error.problems[:50]:
        where = f"第 {problem['row']} 行 " if problem.get("row") else ""
        subject = problem.get("parcel_code") or problem.get("field") or ""
        typer.echo(f"  {where}{subject}: {problem['problem']} ({problem['problem_en']})", err=True)
    if len(error.problems) > 50:
        typer.echo(f"  … 另有 {len(error.problems) - 50} 处问题", err=True)
    raise typer.Exit(code=2)


@contextmanager
def unit_of_work(
    database_url: str | None, *, write: bool = True
) -> Iterator[tuple[Session, Settings]]:
    """A session in one transaction on the command's database; library errors end the
    command with a clear message and nothing written. ``write=False`` for commands that
    only read (they take no write lock, see :mod:`landgis.db.session`)."""
    from landgis.db.engine import make_engine
    from landgis.db.session import transaction

    settings = settings_for(database_url)
    try:
        with transaction(make_engine(settings), write=write) as session:
            yield session, settings
    except LandGISError as error:
        fail(error)


def day(value: dt.datetime | None) -> dt.date | None:
    """The date part of a parsed option."""
    return value.date() if value is not None else None


def print_json(value: Any) -> None:
    """JSON for scripts: UTF-8, dates as ISO text."""
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=_iso))


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)

"""What every command shares: the database option, settings, errors, JSON output.

Command modules import the library inside their commands (or through
:func:`lazy_module`), so that starting ``landgis`` loads only what the command run needs.
"""

from __future__ import annotations

import datetime as dt
import getpass
import importlib.util
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from landgis.errors import LandGISError
from landgis.i18n import Localizable, _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from landgis.ledger_service import LedgerService
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


class _Deferred(ModuleType):
    """Stands for a module until one of its attributes is used, then imports it.

    Nothing is put in ``sys.modules``: every other importer gets the real module, loaded
    by the import system, which makes a thread wait while another imports it. (Python
    3.11's ``importlib.util.LazyLoader`` does not: a server process that had loaded the
    command line, as ``landgis serve`` and its workers do, answered a first login with a
    500 when two threads used ``landgis.audit`` at once, one of them seeing the module
    half executed.)"""

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self.__name__), attribute)


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, loaded when one of its attributes is first used."""
    if name in sys.modules:
        return sys.modules[name]
    if importlib.util.find_spec(name) is None:
        raise ModuleNotFoundError(name)
    return _Deferred(name)


def settings_for(database_url: str | None) -> Settings:
    """The settings, with the database the command was given."""
    from landgis.settings import get_settings

    base = get_settings()
    return base.model_copy(update={"database_url": database_url}) if database_url else base


def in_both_languages(text: Localizable) -> str:
    """``text`` as the command line shows it: in Chinese, then in English in brackets."""
    zh, en = text.render("zh"), text.render("en")
    return zh if zh == en else f"{zh} ({en})"


def fail(error: LandGISError, hint: str | None = None) -> NoReturn:
    """Print a library error for a clerk (Chinese, then English), and what to do about it
    on the command line (``hint``), and exit with status 2."""
    typer.echo(f"错误:{error.message}", err=True)
    if error.message_en != error.message:
        typer.echo(f"Error: {error.message_en}", err=True)
    for problem in error.problems[:50]:
        where = f"第 {problem['row']} 行 " if problem.get("row") else ""
        subject = problem.get("parcel_code") or problem.get("field") or ""
        typer.echo(f"  {where}{subject}: {problem['problem']} ({problem['problem_en']})", err=True)
    if len(error.problems) > 50:
        more = _("… 另有 {count} 处问题", count=len(error.problems) - 50)
        typer.echo(f"  {in_both_languages(more)}", err=True)
    if hint:
        typer.echo(hint, err=True)
    raise typer.Exit(code=2)


@contextmanager
def unit_of_work(
    database_url: str | None, *, write: bool = True
) -> Iterator[tuple[Session, Settings]]:
    """A session in one transaction on the command's database; library errors end the
    command with a clear message and nothing written. ``write=False`` for commands that
    only read (they take no write lock, see :mod:`landgis.db.session`). The database's
    connections are closed at the end (a command run in a test's process keeps none)."""
    from landgis.db.engine import make_engine
    from landgis.db.session import transaction

    settings = settings_for(database_url)
    engine = make_engine(settings)
    try:
        with transaction(engine, write=write) as session:
            yield session, settings
    except LandGISError as error:
        fail(error)
    finally:
        engine.dispose()


@contextmanager
def ledger_unit(database_url: str | None, actor: str | None) -> Iterator[LedgerService]:
    """The ledger's use cases in one transaction (:func:`unit_of_work`), as the command
    line runs them: by whoever can reach the database, so with administrator rights, in
    the name ``actor`` (default: the login name).

    The service's modules are loaded before the database is opened: GDAL (loaded with the
    parcel readers) loaded after SpatiaLite makes the process crash as it exits."""
    from landgis.cases import Actor
    from landgis.ledger_service import LedgerService

    with unit_of_work(database_url) as (session, settings):
        yield LedgerService(session, settings, Actor(actor or getpass.getuser(), role="admin"))


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

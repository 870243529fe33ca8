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
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, get_args

import typer

from landgis.errors import LandGISError
from landgis.i18n import Localizable, _, listing, localized

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


def examples(*command_lines: str) -> str:
    """A command's epilog: the command lines shown as its examples (the README's
    command-line block shows them too, and a test runs them on the demo county)."""
    return "\n\n".join(f"Example: {line}" for line in command_lines)


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


def cli_settings() -> Settings:
    """The settings of this process (:func:`landgis.settings.get_settings`); settings that
    do not validate end the command with a message naming each wrong variable."""
    from pydantic import ValidationError

    from landgis.settings import get_settings

    try:
        return get_settings()
    except ValidationError as error:
        _invalid_settings(error)


def _invalid_settings(error: Any) -> NoReturn:
    """Each setting of ``error`` (a pydantic ``ValidationError``) that does not validate:
    its variable, its value and what it should be; in the configured language, or in every
    language when the language setting is the wrong one."""
    from pydantic import ValidationError

    from landgis.i18n import LANGUAGES
    from landgis.settings import LanguageSetting, Settings

    try:
        languages: list[str] = [LanguageSetting().language]
    except ValidationError:
        languages = list(LANGUAGES)
    for lang in languages:
        for problem in error.errors():
            location = [str(part) for part in problem["loc"]]
            name = "LANDGIS_" + "__".join(location).upper()
            field = Settings.model_fields.get(location[0]) if len(location) == 1 else None
            choices = get_args(field.annotation) if field is not None else ()
            if problem["type"] == "literal_error" and choices:
                text = _(
                    "错误:设置 {name} 应为 {choices} 之一,而不是 “{value}”。",
                    name=name,
                    choices=listing(choices),
                    value=problem["input"],
                )
            else:
                text = _(
                    "错误:设置 {name} 的值 “{value}” 无效:{reason}",
                    name=name,
                    value=problem.get("input"),
                    reason=problem["msg"],
                )
            typer.echo(text.render(lang), err=True)
    raise typer.Exit(code=2)


def language() -> str:
    """The language the command line speaks: ``LANDGIS_LANGUAGE`` (Chinese by default)."""
    return cli_settings().language


def say(text: Localizable | str, *, err: bool = False) -> None:
    """Print ``text`` in the command line's language (on stderr with ``err``)."""
    typer.echo(localized(text, language()), err=err)


def folder_for(out: Path) -> Path:
    """``out``, its folder created (and said so on stderr) when it does not exist yet."""
    folder = out.parent
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        say(_("已创建文件夹 {folder}", folder=folder), err=True)
    return out


def settings_for(database_url: str | None) -> Settings:
    """The settings, with the database the command was given."""
    base = cli_settings()
    return base.model_copy(update={"database_url": database_url}) if database_url else base


def fail(error: LandGISError, hint: Localizable | str | None = None) -> NoReturn:
    """Print a library error for a clerk in the command line's language, with its problems
    and what to do about it on the command line (``hint``), and exit with status 2."""
    lang = language()
    typer.echo(_("错误:{message}", message=error.text).render(lang), err=True)
    for problem in error.problems[:50]:
        typer.echo(f"  {_problem_line(problem).render(lang)}", err=True)
    if len(error.problems) > 50:
        more = _("… 另有 {count} 处问题", count=len(error.problems) - 50)
        typer.echo(f"  {more.render(lang)}", err=True)
    if hint:
        typer.echo(localized(hint, lang), err=True)
    raise typer.Exit(code=2)


def _problem_line(problem: dict[str, Any]) -> Localizable:
    """One problem of an error: where (the row, the parcel or field) and what."""
    from landgis.io.problems import problem_text

    text = problem_text(problem)
    row = problem.get("row")
    subject = problem.get("parcel_code") or problem.get("field")
    if row and subject:
        return _("第 {row} 行 {subject}:{problem}", row=row, subject=subject, problem=text)
    if row:
        return _("第 {row} 行:{problem}", row=row, problem=text)
    if subject:
        return _("{subject}:{problem}", subject=subject, problem=text)
    return text


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

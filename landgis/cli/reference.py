"""The command line's reference, written from its own help: each command's synopsis, the
first paragraph of its help and its example (the ``Example:`` lines of its epilog). The
README's command-line block is this text (``scripts/cli_reference.py`` writes it)."""

from __future__ import annotations

import datetime as dt
import enum
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

EXAMPLE = "Example: "
WIDTH = 90
INDENT = "    "
# Options every command takes, said once beside the block rather than on each line.
COMMON_OPTIONS = frozenset({"--database-url", "--help"})
# What a value is called by its type, when its option names no metavar.
NAMES_BY_TYPE: dict[Any, str] = {
    dt.date: "DATE",
    dt.datetime: "DATE",
    Path: "FILE",
    int: "N",
    float: "NUMBER",
}


@dataclass(frozen=True)
class CommandHelp:
    """One command as its help describes it."""

    path: tuple[str, ...]
    synopsis: tuple[str, ...]
    summary: str
    examples: tuple[str, ...]


def _value_name(param: Any) -> str:
    """What an option's value is called: its metavar, its choices, else its name."""
    if param.metavar:
        return str(param.metavar)
    kind = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return "|".join(str(member.value) for member in kind)
    return NAMES_BY_TYPE.get(kind, str(param.name).upper())


def _param_text(param: Any) -> str | None:
    """A parameter as the synopsis shows it, or ``None`` for the common options."""
    if param.param_type_name == "argument":
        name = str(param.name).upper()
        return name if param.required else f"[{name}]"
    flag = max(param.opts, key=len)
    if flag in COMMON_OPTIONS:
        return None
    if param.is_flag:
        text = "/".join([flag, *param.secondary_opts])
    else:
        text = f"{flag} {_value_name(param)}"
        if param.multiple:
            text += " …"
    return text if param.required else f"[{text}]"


def _summary(command: Any) -> str:
    """The first paragraph of a command's help, on one line."""
    return " ".join((command.help or "").strip().split("\n\n")[0].split())


def _examples(command: Any) -> tuple[str, ...]:
    lines = (line.strip() for line in (command.epilog or "").splitlines())
    return tuple(line.removeprefix(EXAMPLE) for line in lines if line.startswith(EXAMPLE))


def commands(app: typer.Typer) -> Iterator[CommandHelp]:
    """Every command of ``app`` (groups' commands in their place), in the help's order."""
    root = typer.main.get_command(app)
    yield from _walk(root, ("landgis",), root.context_class(root, info_name="landgis"))


def _walk(command: Any, path: tuple[str, ...], context: Any) -> Iterator[CommandHelp]:
    if hasattr(command, "list_commands"):
        if command.invoke_without_command:  # a group that is a command of its own too
            yield _help(command, path)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is None or sub.hidden:
                continue
            sub_context = sub.context_class(sub, info_name=name, parent=context)
            yield from _walk(sub, (*path, name), sub_context)
        return
    yield _help(command, path)


def _help(command: Any, path: tuple[str, ...]) -> CommandHelp:
    params = [text for param in command.params if (text := _param_text(param)) is not None]
    words = (*path, *sorted(params, key=lambda p: p.startswith("[")))
    return CommandHelp(path, words, _summary(command), _examples(command))


def _wrap_words(words: tuple[str, ...]) -> list[str]:
    """The synopsis on lines of at most :data:`WIDTH`, never breaking a parameter."""
    lines = [words[0]]
    for word in words[1:]:
        if len(lines[-1]) + 1 + len(word) > WIDTH:
            lines.append(INDENT * 2 + word)
        else:
            lines[-1] += " " + word
    return lines


def render(app: typer.Typer) -> str:
    """The reference as plain text: synopsis, summary, then ``$ example`` lines."""
    lines: list[str] = []
    for command in commands(app):
        if lines:
            lines.append("")
        lines += _wrap_words(command.synopsis)
        lines += textwrap.wrap(
            command.summary, WIDTH, initial_indent=INDENT, subsequent_indent=INDENT
        )
        lines += [f"{INDENT}$ {example}" for example in command.examples]
    return "\n".join(lines) + "\n"

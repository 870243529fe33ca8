"""``.env.example`` written from the settings model: every field, nested ones under the
names pydantic-settings reads (``LANDGIS_CLOCK__<NAME>``), each with its description."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from landgis.settings import Settings

HEADER = """\
# landgis settings: copy to .env (read from the working directory) or export them.
# Every setting has the prefix LANDGIS_; nested ones are LANDGIS_<GROUP>__<NAME>.
# Written from landgis/settings.py by scripts/env_example.py: edit the settings there.
"""
WIDTH = 88


def _value_text(value: Any) -> str:
    """A value as the environment spells it: JSON for lists and mappings."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, "g")
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Path):
        return value.as_posix()
    return str(value)


def _shown_value(field: FieldInfo) -> Any:
    """The field's example, else its default (a default that depends on the machine, such
    as a path, must have an example)."""
    if field.examples:
        return field.examples[0]
    return field.get_default(call_default_factory=True, validated_data={})


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH - 2, initial_indent="# ", subsequent_indent="# ")


def _blocks(model: type[BaseModel], prefix: str, delimiter: str) -> Iterator[list[str]]:
    for name, field in model.model_fields.items():
        env = f"{prefix}{name}".upper()
        if not field.description:
            raise ValueError(f"{env} has no description")
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            yield _comment(f"{field.description.rstrip('.')} ({env}{delimiter}<NAME>):")
            yield from _blocks(kind, env + delimiter, delimiter)
        else:
            yield [*_comment(field.description), f"# {env}={_value_text(_shown_value(field))}"]


def render_env_example() -> str:
    """The text of ``.env.example``."""
    config = Settings.model_config
    prefix, delimiter = str(config["env_prefix"]), str(config["env_nested_delimiter"])
    blocks = ["\n".join(block) + "\n" for block in _blocks(Settings, prefix, delimiter)]
    return HEADER + "\n" + "\n".join(blocks)

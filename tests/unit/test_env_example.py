"""``.env.example`` lists every setting of the model, nested ones under the names
pydantic-settings reads (``LANDGIS_CLOCK__…``), and nothing else; it is the file
``scripts/env_example.py`` writes from the model, and every value in it validates."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from landgis.settings import Settings
from landgis.settings_env import render_env_example

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"
ASSIGNMENT = re.compile(r"^# ?([A-Z][A-Z0-9_]*)=(.*)$", flags=re.MULTILINE)


def _model_env_names(model: type[BaseModel], prefix: str, delimiter: str) -> set[str]:
    names: set[str] = set()
    for name, field in model.model_fields.items():
        env = f"{prefix}{name}".upper()
        kind = field.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            names |= _model_env_names(kind, env + delimiter, delimiter)
        else:
            names.add(env)
    return names


def _assignments() -> list[tuple[str, str]]:
    return ASSIGNMENT.findall(ENV_EXAMPLE.read_text(encoding="utf-8"))


def test_the_example_names_every_setting_once_and_nothing_else() -> None:
    config = Settings.model_config
    expected = _model_env_names(
        Settings, str(config["env_prefix"]), str(config["env_nested_delimiter"])
    )
    names = [name for name, _ in _assignments()]
    assert len(names) == len(set(names))
    assert set(names) == expected
    assert {"LANDGIS_CLOCK__EXEMPT_CAUSES", "LANDGIS_CLOCK__WARN_DAYS_AHEAD"} <= expected


def test_the_example_is_the_file_written_from_the_model() -> None:
    assert ENV_EXAMPLE.read_text(encoding="utf-8") == render_env_example()


def test_every_value_of_the_example_is_read_as_written(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("".join(f"{name}={value}\n" for name, value in _assignments()), encoding="utf-8")
    settings = Settings(_env_file=env)  # type: ignore[call-arg]
    assert settings.clock.exempt_causes == ("government", "force_majeure")
    assert settings.clock.warn_days_ahead == 30
    assert settings.county_name == "青溪县"

"""Settings come from LANDGIS_ environment variables, nested ones included."""

from typing import get_args

import pytest

from landgis.settings import Settings


def test_environment_sets_database_clock_and_evidence(monkeypatch):
    monkeypatch.setenv("LANDGIS_DATABASE_URL", "postgresql+psycopg://u@db:5432/landgis")
    monkeypatch.setenv("LANDGIS_CLOCK__IDLE_FEE_SHARE", "0.1")
    monkeypatch.setenv("LANDGIS_CLOCK__EXEMPT_CAUSES", '["government"]')
    monkeypatch.setenv("LANDGIS_EVIDENCE", '{"identified": ["determination_no"]}')
    settings = Settings()
    assert settings.backend == "postgis"
    rules = settings.clock.rules()
    assert (rules.idle_fee_share, rules.exempt_causes) == (0.1, ("government",))
    assert settings.evidence == {"identified": ["determination_no"]}


def test_default_is_a_spatialite_file_under_the_data_folder(monkeypatch):
    monkeypatch.delenv("LANDGIS_DATABASE_URL", raising=False)
    settings = Settings(_env_file=None)
    assert settings.backend == "spatialite"
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("landgis.sqlite")
    assert settings.basemap == "none"


def test_the_language_is_chinese_or_english(monkeypatch):
    from pydantic import ValidationError

    from landgis.i18n import LANGUAGES

    monkeypatch.delenv("LANDGIS_LANGUAGE", raising=False)
    assert Settings(_env_file=None).language == "zh"
    monkeypatch.setenv("LANDGIS_LANGUAGE", "en")
    assert Settings(_env_file=None).language == "en"
    monkeypatch.setenv("LANDGIS_LANGUAGE", "english")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)
    choices = Settings.model_fields["language"].annotation
    assert set(get_args(choices)) == set(LANGUAGES)

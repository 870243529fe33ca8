"""The command line speaks the language of ``LANDGIS_LANGUAGE``; a wrong value says so."""

from __future__ import annotations

import re

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_an_unknown_language_is_refused_in_every_language(cli_in, tmp_path):
    url = f"sqlite:///{tmp_path / 'never.sqlite'}"
    result = cli_in("fr", "stats", "--database-url", url)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "错误:设置 LANDGIS_LANGUAGE 应为 zh、en 之一,而不是 “fr”。",
        "Error: the setting LANDGIS_LANGUAGE must be one of zh, en, not “fr”.",
    ]
    assert not (tmp_path / "never.sqlite").exists()


def test_another_wrong_setting_is_told_in_the_configured_language(cli_in, tmp_path, monkeypatch):
    monkeypatch.setenv("LANDGIS_PORT", "eighty")
    url = f"sqlite:///{tmp_path / 'never.sqlite'}"
    english = cli_in("en", "stats", "--database-url", url)
    assert english.exit_code == 2
    assert english.stderr.startswith(
        "Error: the setting LANDGIS_PORT has an invalid value “eighty”: "
    )
    assert not CHINESE.search(english.stderr)
    chinese = cli_in("zh", "stats", "--database-url", url)
    assert chinese.stderr.startswith("错误:设置 LANDGIS_PORT 的值 “eighty” 无效:")
    assert "Error" not in chinese.stderr


def test_a_wrong_option_value_is_refused_in_the_configured_language(cli_in):
    for lang, said in (("en", "Error: --set needs field=value"), ("zh", "错误:--set 应写成")):
        result = cli_in(lang, "case", "edit", "XZ-1", "--set", "remarks", "--database-url", "x")
        assert result.exit_code == 2
        assert result.stderr.startswith(said), result.stderr
        assert bool(CHINESE.search(result.stderr)) == (lang == "zh")

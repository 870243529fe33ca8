"""``landgis efficiency show`` on a county loaded by ``landgis demo``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from landgis.cli import app

RUN = CliRunner()


@pytest.fixture(scope="module")
def url(databases):
    url = databases.new_url()
    result = RUN.invoke(app, ["demo", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "企业亩均数据 132 条" in result.output
    return url


def _run(url: str, *args: str) -> str:
    result = RUN.invoke(app, [*args, "--database-url", url])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_table_of_a_year_and_its_class_counts(url):
    lines = _run(url, "efficiency", "show", "--year", "2023").splitlines()
    data = json.loads(_run(url, "efficiency", "show", "--year", "2023", "--json"))
    counts = data["class_counts"]

    assert lines[0].startswith("2023 年度亩均效益评价:参评企业 66 家;亩均税收基准 ")
    assert lines[0].endswith(f"{data['benchmarks']['tax_per_mu']:.2f} 万元/亩")
    assert lines[1].split() == ["企业名称", "面积(亩)", "亩均税收(万元/亩)", "得分", "类别", "上年"]
    rows = lines[2 : 2 + len(data["items"])]
    for line, item in zip(rows, data["items"], strict=True):
        name, area, tax, score, grade, previous = line.split()
        assert name == item["name"] and grade == item["class"]
        assert area == f"{item['area_mu']:.2f}" and tax == f"{item['tax_per_mu']:.2f}"
        assert score == f"{item['score']:.2f}" and previous == item["previous_class"]
    assert lines[2 + len(rows) :] == [
        f"A 类(优先发展):{counts['A']} 家",
        f"B 类(提升发展):{counts['B']} 家",
        f"C 类(整治提升):{counts['C']} 家",
        f"D 类(淘汰退出):{counts['D']} 家",
    ]
    # the columns line up, wide characters counting two
    widths = {len(line) + sum(ord(ch) > 0x2E80 for ch in line) for line in rows}
    assert len(widths) == 1


def test_without_a_year_the_latest_is_shown(url):
    assert _run(url, "efficiency", "show") == _run(url, "efficiency", "show", "--year", "2023")
    data = json.loads(_run(url, "efficiency", "show", "--json"))
    assert data["year"] == 2023 and data["previous_year"] == 2022


def test_the_table_speaks_english(url, cli_in):
    result = cli_in("en", "efficiency", "show", "--year", "2022", "--database-url", url)
    assert result.exit_code == 0, result.output
    output = result.stdout

    assert output.startswith("Per-mu evaluation of 2022: 66 enterprises; benchmark Tax per mu ")
    assert output.splitlines()[0].endswith(" 10k yuan/mu")
    assert output.splitlines()[1].split() == [
        *("Enterprise", "Area", "(mu)", "Tax", "per", "mu", "(10k", "yuan/mu)"),
        *("Score", "Class", "Last", "year"),
    ]
    assert "Class D (Phase out): " in output


def test_a_year_without_figures_fails_with_a_message(url):
    result = RUN.invoke(app, ["efficiency", "show", "--year", "2019", "--database-url", url])

    assert result.exit_code == 2
    assert "2019 年度没有企业亩均数据" in result.output


def test_a_database_without_figures_says_so(databases):
    url = databases.new_url()
    assert RUN.invoke(app, ["init", "--database-url", url]).exit_code == 0
    result = RUN.invoke(app, ["efficiency", "show", "--database-url", url])

    assert result.exit_code == 2
    assert "还没有企业亩均数据" in result.output

"""The notebooks run from top to bottom on a fresh kernel, writing only to a temporary
folder (their databases, matplotlib's and IPython's caches)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    names = [path.name for path in NOTEBOOKS]
    assert "01_ledger_walkthrough.ipynb" in names and "02_efficiency.ipynb" in names


def _text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path, monkeypatch):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        assert not cell.get("outputs"), f"{path.name}: outputs are stripped in git"
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "matplotlib"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    if path.name == "02_efficiency.ipynb":
        said = "".join(_text(cell) for cell in notebook.cells)
        assert "{'A': 22, 'B': 15, 'C': 16, 'D': 13}" in said
        assert "by hand 118.16, library 118.16, class B" in said
        assert any(
            o.get("data", {}).get("image/png") for c in notebook.cells for o in c.get("outputs", [])
        )
        assert list(tmp_path.glob("*/efficiency.sqlite")), "the database is in the temporary folder"

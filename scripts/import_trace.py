"""Count the landgis functions and modules one import passes through.

Imports a file (default: the demo county's parcels as a GeoPackage) into a new
SpatiaLite database holding the demo zones, tracing every call, and prints how many
distinct named functions and methods of landgis were called, in how many modules, listed by module::

    .venv/bin/python scripts/import_trace.py [FILE] [--list]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from types import FrameType
from typing import Any

import pyogrio
from sqlalchemy.orm import Session

from landgis.db.engine import make_engine
from landgis.db.migrate import upgrade
from landgis.demo import load_zones
from landgis.imports import ImportOptions, import_parcels
from landgis.settings import DEMO_DATA, Settings

ROOT = Path(__file__).resolve().parents[1] / "landgis"
SKIPPED = ("landgis/db/", "landgis/i18n/", "landgis/settings", "landgis/units", "landgis/geo")


def _traced(calls: dict[str, set[str]]) -> Any:
    def trace(frame: FrameType, event: str, _arg: Any) -> None:
        if event != "call":
            return
        path = frame.f_code.co_filename
        if not path.startswith(str(ROOT)):
            return
        module = "landgis/" + str(Path(path).relative_to(ROOT))
        if module.startswith(SKIPPED):  # storage, translation and units serve every door
            return
        name = frame.f_code.co_qualname
        if "<" not in name:  # comprehensions, lambdas and module bodies are not counted
            calls[module].add(name)

    return trace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--list", action="store_true", help="list the functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.file
        if path is None:
            path = Path(folder) / "parcels.gpkg"
            pyogrio.write_dataframe(pyogrio.read_dataframe(DEMO_DATA, layer="parcels"), path)
        url = f"sqlite:///{folder}/trace.sqlite"
        engine = make_engine(Settings(database_url=url))
        upgrade(engine)
        with Session(engine) as session, session.begin():
            load_zones(session, DEMO_DATA)
        calls: dict[str, set[str]] = defaultdict(set)
        with Session(engine) as session, session.begin():
            sys.setprofile(_traced(calls))
            try:
                report = import_parcels(session, path, ImportOptions())
            finally:
                sys.setprofile(None)
        engine.dispose()
    functions = sum(len(names) for names in calls.values())
    print(
        f"{report.inserted} parcels imported through {functions} functions in {len(calls)} modules"
    )
    if args.list:
        for module in sorted(calls):
            print(f"  {module}: {', '.join(sorted(calls[module]))}")


if __name__ == "__main__":
    main()

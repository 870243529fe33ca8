"""Generate the demo county of landgis: a fictional industrial park, "one park, three areas".

青溪县 is a fictional county in the Sichuan basin. Its industrial park, 青溪经济开发区
(一园三区), lies around 104.80°E, 30.10°N, in the CGCS2000 3-degree Gauss-Kruger zone with
central meridian 105°E (EPSG:4544); the whole county lies within 0.5° of that meridian.
The park has three areas, a few kilometres apart:

* 产城新区 (QX-KFQ-CC): a street grid east of the county seat (城关镇);
* 临江工业区 (QX-KFQ-LJ): blocks bent along the 青溪河 river, crossed by the 白沙渠 canal;
* 白鹤工业区 (QX-KFQ-BH): irregular blocks along 白鹤大道 and a slanting road.

Blocks are separated by roads (not stored) and cut into parcels by slightly slanted lines;
a few parcels have holes (a substation, a pond) and a few have two parts on either side of
a road or the canal. Shapes are built in metres in EPSG:4544 and transformed to CGCS2000
geographic coordinates (EPSG:4490, x = longitude); every area (parcels, factory footprints)
is then computed with ``landgis.geo.planar_areas_m2`` from the EPSG:4490 geometries exactly
as they are written.

The ledger (台账) reproduces a county report: 13 cases (宗) and 539 亩 of idle and
low-efficiency land, of which 120 亩 were revitalized between January and August 2023 by
buyback (依法回购), judicial auction (司法拍卖) and lease with conversion (租赁转产). Case
parcels are cut so that their computed areas hit chosen figures in 亩. Each case carries
its dated history (处置记录); replaying the events rebuilds the case.

The enterprises producing on their land, and those holding the ledger's land, report
their figures of 2022 and 2023 (tax, revenue, value added, energy, emissions, staff, R&D)
for the per-mu evaluation (亩均效益评价): the holders of idle land pay no tax, those of
low-efficiency land little.

The park's platform company owns standard factory buildings (标准厂房) in two parks; their
units are let, vacant, used by the owner or being built, with leases from 2023 on, as the
register stood on 30 November 2026; the park courts a few projects (招商项目), two of which
took vacant units by a recorded match.

All names (county, park, areas, roads, companies, staff) and all numbers are fictional.

Usage: ``python data/geo/make_demo.py [--out DIR]`` (default: this file's folder) or
``python -m data.geo.make_demo``. The output is deterministic: two runs give byte-identical
files. The steps are modules of :mod:`data.geo.demo`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from data.geo.demo.buildings import add_buildings  # noqa: E402
from data.geo.demo.checks import summary, verify  # noqa: E402
from data.geo.demo.companies import CompanyMaker  # noqa: E402
from data.geo.demo.county import SEED  # noqa: E402
from data.geo.demo.figures import figures_frame  # noqa: E402
from data.geo.demo.files import (  # noqa: E402
    buildings_frame,
    cases_frame,
    events_frame,
    events_list,
    parcels_frame,
    write_outputs,
)
from data.geo.demo.layout import area_bh_strips, area_cc_strips, area_lj_strips  # noqa: E402
from data.geo.demo.ledger import build_ledger  # noqa: E402
from data.geo.demo.parcels import (  # noqa: E402
    Registry,
    build_parcels,
    parcel_attributes,
    parcel_kind,
)
from data.geo.demo.space import build_space  # noqa: E402
from data.geo.demo.space_tables import projects_table  # noqa: E402
from data.geo.demo.zones import (  # noqa: E402
    area_boundaries,
    county_boundary,
    park_boundary,
    zones_frame,
)


def build(out_dir: Path) -> list[Path]:
    """Generate the demo county and write it to ``out_dir``."""
    rng = np.random.default_rng(SEED)
    strips = area_cc_strips(rng) + area_lj_strips(rng) + area_bh_strips(rng)
    records = build_parcels(strips, rng)
    companies, registry = CompanyMaker(rng), Registry(rng)
    for index, record in enumerate(records):
        record.kind = parcel_kind(record.plan, rng)
        record.attrs = parcel_attributes(record, index, rng, companies, registry)
    add_buildings(records, rng)
    logs = build_ledger(records, rng)
    areas = area_boundaries(strips)
    zones = zones_frame(county_boundary(rng), park_boundary(areas), areas)
    events = events_list(logs)
    figures = figures_frame(records)
    space = build_space(records)
    layers = {
        "zones": zones,
        "parcels": parcels_frame(records),
        "buildings": buildings_frame(records),
        "cases": cases_frame(logs),
        "case_events": events_frame(events),
        "enterprise_figures": figures,
        "building_units": space.units,
        "leases": space.leases,
        "projects": projects_table(space.projects),
    }
    return write_outputs(out_dir, layers, events)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args(argv)
    paths = build(args.out)
    print(summary(verify(paths[0]), paths))


if __name__ == "__main__":
    main()

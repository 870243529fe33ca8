"""The generator of the demo county, one step per module, in the order
``data/geo/make_demo.py`` runs them:

- :mod:`.county`: the county's fixed facts (names, codes, zone, totals, dates);
- :mod:`.strips` and :mod:`.layout`: lines and strips of parcels, the blocks of the areas;
- :mod:`.case_specs`: the 13 ledger cases;
- :mod:`.cutting`: strips cut into parcels, case parcels to their exact areas;
- :mod:`.companies` and :mod:`.parcels`: holders and the parcels' attributes;
- :mod:`.buildings`: factory footprints on the built parcels;
- :mod:`.ledger`: each case's dated history, replayed to the case;
- :mod:`.zones`: areas, park and county;
- :mod:`.figures`: the enterprises' figures of 2022 and 2023 (亩均效益评价);
- :mod:`.space_specs` and :mod:`.space`: the standard factory parks, their units, the
  leases and the projects (招商项目), checked by :mod:`.space_checks`;
- :mod:`.files`: the layers written as GeoPackage, GeoJSON, JSON and CSV;
- :mod:`.checks`: the files read back and checked, and their headline figures.

Geometry shared with the benchmark province lives in :mod:`landgis.synthetic`.
"""

"""The demo county (``demo_county.gpkg`` and its GeoJSON copies) and its generator
(``make_demo.py``, modules in :mod:`data.geo.demo`)."""

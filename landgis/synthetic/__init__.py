"""Helpers shared by the generators of fictional data: the demo county
(``data/geo/make_demo.py``) and the benchmark province (``bench/province.py``).

- :mod:`.geometry`: shapes laid out in metres in a Gauss-Kruger zone and moved to CGCS2000,
  rotations into place, wavy county outlines, planning margins around areas and parks;
- :mod:`.companies`: fictional companies' organization codes and round production figures.

Nothing here is used by landgis at run time; the generators are deterministic, and so is
everything here (randomness comes from the caller's generator).
"""

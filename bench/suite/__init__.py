"""The benchmark suite behind ``make bench``: landgis beside the tools a GIS engineer would
otherwise use, on the same data in the same run (see bench/README.md)."""

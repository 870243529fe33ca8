"""Data shipped with landgis and the scripts that generate it."""

"""The printed status map of the work report, drawn offline with matplotlib:

- :mod:`.layers`: the ledger's parcels by status, the other parcels, the zones;
- :mod:`.framing`: the Gauss-Kruger projection and the ground the map shows;
- :mod:`.labels`: zone names placed off the parcels;
- :mod:`.decorations`: north arrow, scale bar, legend entries;
- :mod:`.layout`: where the map, legend, scale bar and north arrow go;
- :mod:`.status_map`: :func:`status_map`, built from the above.
"""

from landgis.maps.printed.status_map import StatusMap, status_map

__all__ = ["StatusMap", "status_map"]

"""Factory space (厂房) as assets: buildings' units, their leases, and what a lease of a
ledger case's idle factory space revitalizes.

- :mod:`.units`: a building's units, their floor area, height, load and state;
- :mod:`.terms`: what a lease says, as a plain value;
- :mod:`.leases`: signing, starting and ending leases, one lease per unit at a time, and
  the revitalized floor area they record on the ledger.
"""

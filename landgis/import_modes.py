"""What an import is asked to do, without loading the import machinery (for the CLI)."""

from __future__ import annotations

from enum import StrEnum


class ImportMode(StrEnum):
    """How an import treats parcel codes already stored: ``insert`` refuses them,
    ``upsert`` updates those parcels."""

    insert = "insert"
    upsert = "upsert"


MODES = tuple(m.value for m in ImportMode)
# Rows read, checked and written at a time.
BATCH_SIZE = 10_000

"""What a backup records about the database it copied: the schema revision, the rows of
the main tables, the server's version and the data version counter."""

from __future__ import annotations

from dataclasses import dataclass

from landgis.backup.manifest import Counts

# Manifest count -> table.
COUNTED_TABLES: dict[str, str] = {
    "parcels": "parcels",
    "cases": "cases",
    "events": "case_events",
    "users": "users",
    "attachments": "attachments",
}


@dataclass(frozen=True)
class DatabaseFacts:
    """The schema revision (None without a landgis schema), the row counts, the
    database software's version and the data version counter (None before it existed)."""

    revision: str | None
    counts: Counts
    server_version: str
    data_version: int | None = None

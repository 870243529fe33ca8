"""Many rows into a PostgreSQL table whose indexes are built once afterwards rather than
updated row by row: an index built from the sorted rows (a GiST index too, PostGIS
sorting the geometries) costs a fraction of the same rows inserted one at a time.

The indexes set aside are the table's own: plain indexes and unique constraints that no
foreign key relies on (the primary key stays). They are dropped and built again, as they
were, in the caller's transaction: a rollback (of it or of a savepoint around the load)
brings them back untouched. Dropping them locks the table (``ACCESS EXCLUSIVE``) until
the transaction ends (and waits for those reading it), so it is used only for a large
load (:data:`BULK_ROWS`) into an empty table — a county's first load, when no map reads
the table yet; a load beside stored rows never makes their readers wait.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Table, TextClause, literal, select, text
from sqlalchemy.orm import Session

# The fewest rows loaded for which the indexes are set aside.
BULK_ROWS = 10_000
# (drop, build) statements of the indexes and unique constraints no foreign key uses.
_SET_ASIDE = text(
    """
    SELECT 'DROP INDEX ' || quote_ident(n.nspname) || '.' || quote_ident(i.relname),
           pg_get_indexdef(x.indexrelid)
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_namespace n ON n.oid = i.relnamespace
     WHERE x.indrelid = CAST(:table AS regclass)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
    UNION ALL
    SELECT 'ALTER TABLE ' || CAST(c.conrelid AS regclass)
               || ' DROP CONSTRAINT ' || quote_ident(c.conname),
           'ALTER TABLE ' || CAST(c.conrelid AS regclass)
               || ' ADD CONSTRAINT ' || quote_ident(c.conname) || ' '
               || pg_get_constraintdef(c.oid)
      FROM pg_constraint c
     WHERE c.conrelid = CAST(:table AS regclass) AND c.contype = 'u'
       AND NOT EXISTS (
           SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid
       )
    """
)


def rebuilding_pays(session: Session, table: Table, rows: int) -> bool:
    """Whether ``rows`` rows are loaded into ``table`` with its indexes built afterwards:
    at least :data:`BULK_ROWS` of them, into an empty table (see the module's note)."""
    if rows < max(BULK_ROWS, 1):
        return False
    return session.execute(select(literal(1)).select_from(table).limit(1)).first() is None


def _statement(sql: str) -> TextClause:
    """A statement PostgreSQL wrote, run as it is (no colon taken for a parameter)."""
    return text(sql.replace(":", "\\:"))


@contextmanager
def indexes_rebuilt(session: Session, table: Table) -> Iterator[None]:
    """Within the caller's transaction: ``table``'s indexes and unique constraints (but
    its primary key and those a foreign key uses) dropped before the block and built
    again, as they were, after it."""
    statements = session.execute(_SET_ASIDE, {"table": table.fullname}).all()
    for drop, _build in statements:
        session.execute(_statement(drop))
    yield
    for _drop, build in statements:
        session.execute(_statement(build))

"""Type names for SQLAlchemy statements whose columns vary."""

from __future__ import annotations

from typing import Any, TypeAlias

from sqlalchemy import Select

AnySelect: TypeAlias = Select[*tuple[Any, ...]]
"""A SELECT of any number of columns of any type (``Select`` is variadic in its row)."""

"""Settings from the environment (prefix ``LANDGIS_``) or a ``.env`` file.

Nothing is read at import time: call :func:`get_settings` (cached) or build
:class:`Settings` yourself, as tests do.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_DATA = PROJECT_ROOT / "data" / "geo" / "demo_county.gpkg"


def default_data_dir() -> Path:
    """The project's ``data/`` folder in a source checkout, else the user's data directory."""
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "data").is_dir():
        return PROJECT_ROOT / "data"
    return Path(user_data_dir("landgis", appauthor=False))


def default_database_url() -> str:
    """A SpatiaLite file in the default data directory."""
    return f"sqlite:///{default_data_dir() / 'landgis.sqlite'}"


class Settings(BaseSettings):
    """landgis configuration; every field can be set as ``LANDGIS_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="LANDGIS_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL: sqlite:///path/file.sqlite (SpatiaLite) or "
        "postgresql+psycopg://user:password@host:port/db (PostGIS).",
    )
    spatialite_library: str = Field(
        default="mod_spatialite",
        description="Name or path of the SpatiaLite extension module.",
    )
    echo_sql: bool = Field(default=False, description="Log every SQL statement.")
    host: str = Field(default="127.0.0.1", description="Address `landgis serve` listens on.")
    port: int = Field(default=8000, description="Port `landgis serve` listens on.")
    county_name: str = Field(default="青溪县", description="County shown in titles and exports.")
    basemap: Literal["none", "osm"] = Field(
        default="none", description="Map background; `none` makes no outside request."
    )
    demo_data: Path = Field(default=DEMO_DATA, description="GeoPackage of the demo county.")

    @property
    def backend(self) -> Literal["spatialite", "postgis"]:
        """Which storage backend the database URL names."""
        return "postgis" if self.database_url.startswith("postgresql") else "spatialite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()

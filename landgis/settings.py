"""Settings from the environment (prefix ``LANDGIS_``) or a ``.env`` file.

Nothing is read at import time: call :func:`get_settings` (cached) or build
:class:`Settings` yourself, as tests do.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from platformdirs import user_data_dir
from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from landgis.clock import ClockRules
from landgis.efficiency.rules import EfficiencyRules

if TYPE_CHECKING:
    from landgis.db.backends import BackendName

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


class ClockSettings(BaseModel):
    """Thresholds of the statutory clock (set as ``LANDGIS_CLOCK__<NAME>``)."""

    idle_after_years: int = Field(
        default=1,
        description="Years after the agreed start date without construction before land is "
        "suspected idle (Art. 2).",
    )
    investigation_days: int = Field(
        default=30, description="Days to start the investigation of suspected idle land (Art. 5)."
    )
    idle_fee_after_years: int = Field(
        default=1, description="Idle years before the idle fee is charged (Art. 14)."
    )
    idle_fee_share: float = Field(
        default=0.20, description="Idle fee as a share of the land price (Art. 14)."
    )
    recovery_after_years: int = Field(
        default=2, description="Idle years before recovery without compensation (Art. 14)."
    )
    extension_max_years: int = Field(
        default=1,
        description="Longest extension of the agreed start date (Art. 12).",
    )
    temporary_use_max_years: int = Field(
        default=2,
        description="Longest temporary use by the government (Art. 12).",
    )
    exempt_causes: tuple[str, ...] = Field(
        default=("government", "force_majeure"),
        description="Causes (Art. 8) exempt from the idle fee and recovery (Art. 14), as JSON.",
    )
    warn_days_ahead: int = Field(
        default=30,
        description='Days before a statutory point that its "approaching" warning starts '
        "(0: none).",
    )

    def rules(self) -> ClockRules:
        """The clock's rules with these thresholds."""
        return ClockRules(**self.model_dump())


# The columns of a printed 台账 (landgis.schema.printed.DEFAULT_PRINTED).
DEFAULT_PRINT_COLUMNS: tuple[str, ...] = (
    "seq",
    "zone",
    "parcel",
    "holder",
    "idle_area",
    "cause",
    "determination",
    "route",
    "progress",
    "revitalized_area",
    "responsible_unit",
    "deadline",
    "remarks",
)

# The languages the command line speaks (landgis.i18n.LANGUAGES).
Language = Literal["zh", "en"]
# The statuses a disclosure list may publish: the workflow's main line from 已认定 on
# (landgis.disclosure checks that they are); and the columns it may publish.
DisclosureStatus = Literal["identified", "planned", "disposing", "revitalized", "closed"]
DisclosureColumn = Literal[
    "location",
    "parcel_code",
    "area_mu",
    "holder",
    "cause",
    "identified_on",
    "route",
    "progress",
    "case_no",
    "zone_name",
    "project_name",
    "land_use",
    "category",
    "determination_no",
    "deadline",
    "revitalized_area_mu",
]
DISCLOSURE_STATUSES: tuple[DisclosureStatus, ...] = get_args(DisclosureStatus)
DISCLOSURE_COLUMNS: tuple[DisclosureColumn, ...] = (
    "location",
    "parcel_code",
    "area_mu",
    "holder",
    "cause",
    "identified_on",
    "route",
    "progress",
)
# The demo park's leading industries (主导产业), as the source report names them; the park
# is the demo county's zone 青溪经济开发区 (data/geo/demo/county.py PARK_NAME), so its three
# areas share them. Another county sets its own zones' industries.
DEFAULT_ZONE_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "青溪经济开发区": ("纺织鞋服", "健康食品", "新能源电池"),
}
SOURCES = SettingsConfigDict(
    env_prefix="LANDGIS_", env_file=".env", env_nested_delimiter="__", extra="ignore"
)


class Settings(BaseSettings):
    """landgis configuration; every field can be set as ``LANDGIS_<NAME>``."""

    model_config = SOURCES

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL: sqlite:///path/file.sqlite (SpatiaLite) or "
        "postgresql+psycopg://user:password@host:port/db (PostGIS). Default: data/landgis.sqlite "
        "in a source checkout, else in the user's data directory.",
        examples=["sqlite:///data/landgis.sqlite"],
    )
    read_database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of a streaming replica (hot standby) of the PostGIS "
        "database: read-only requests (maps, tiles, OGC API, ledger reads, exports, "
        "statistics) are answered from it while every write goes to database_url. A user "
        "who just wrote reads from the primary until the replica has replayed that write; "
        "a replica that is down or far behind is passed over for the primary. Unset: "
        "everything on database_url.",
        examples=["postgresql+psycopg://landgis:secret@replica.example:5432/landgis"],
    )
    replica_wait_s: float = Field(
        default=0.5,
        ge=0,
        le=10,
        description="After a user's write, how long that user's next read waits for the "
        "replica to replay it before it is read from the primary instead.",
    )
    replica_max_lag_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="A replica further behind the primary than this many seconds is passed "
        "over: reads go to the primary until it catches up.",
    )
    spatialite_library: str = Field(
        default="mod_spatialite",
        description="Name or path of the SpatiaLite extension module.",
    )
    echo_sql: bool = Field(default=False, description="Log every SQL statement.")
    db_pool_size: int = Field(
        default=10, ge=1, le=200, description="Database connections each server worker keeps."
    )
    db_max_overflow: int = Field(
        default=10, ge=0, le=200, description="Extra connections a worker may open under load."
    )
    db_pool_timeout: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="Seconds a request waits for a free database connection before it is "
        "answered 503 (busy, try again).",
    )
    db_prepared_statements: bool = Field(
        default=True,
        description="Let the PostgreSQL driver prepare statements run often on the server "
        "connection (faster). Set false behind pgbouncer in transaction pooling mode, where "
        "consecutive transactions may run on different server connections.",
    )
    sqlite_busy_timeout: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="Seconds a SpatiaLite write waits for the writer ahead of it (tried once "
        "more after that) before it is answered 503 (busy, try again).",
    )
    host: str = Field(default="127.0.0.1", description="Address `landgis serve` listens on.")
    port: int = Field(default=8000, description="Port `landgis serve` listens on.")
    county_name: str = Field(default="青溪县", description="County shown in titles and exports.")
    language: Language = Field(
        default="zh",
        description="Language of the command line's messages: zh (Chinese) or en (English).",
    )
    basemap: Literal["none", "osm", "tianditu", "amap"] = Field(
        default="none",
        description="Map background: none (no outside request), osm, tianditu (needs a key) "
        "or amap (高德; parcels shifted to GCJ-02 for display only).",
    )
    tianditu_key: str | None = Field(default=None, description="天地图 key (tk) for its tiles.")
    read_requires_login: bool = Field(
        default=False, description="Whether reading (maps, ledger, API) needs a login."
    )
    secret_key: str | None = Field(
        default=None,
        description="Signs browser session cookies. Unset: a key made on the first start and "
        "kept beside the SpatiaLite file or in the PostGIS database.",
    )
    session_idle_minutes: int = Field(
        default=120,
        ge=1,
        le=7 * 24 * 60,
        description="A browser session ends after this many minutes without a request.",
    )
    session_lifetime_hours: int = Field(
        default=12,
        ge=1,
        le=24 * 90,
        description="A browser session ends this many hours after the login, however busy.",
    )
    login_max_failures: int = Field(
        default=5,
        ge=0,
        description="Failed logins for one account name within the window "
        "before it is locked (0: no limit).",
    )
    login_max_failures_per_address: int = Field(
        default=20,
        ge=0,
        description="Failed logins from one client address within the window "
        "before it is locked (0: no limit).",
    )
    login_window_minutes: int = Field(
        default=15, ge=1, description="Window in which failed logins are counted."
    )
    login_lock_minutes: int = Field(
        default=15, ge=1, description="How long a locked account name or address waits."
    )
    secure_cookies: bool = Field(
        default=False, description="Send the session cookie over HTTPS only."
    )
    demo_data: Path = Field(
        default=DEMO_DATA,
        description="GeoPackage of the demo county loaded by `landgis demo`.",
        examples=["data/geo/demo_county.gpkg"],
    )
    case_no_prefix: str = Field(
        default="XZ", description="Prefix of new case numbers: PREFIX-YEAR-NNN."
    )
    evidence: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Evidence gates by target status, replacing the defaults, as JSON.",
        examples=[{"identified": ["determination_no", "identified_on"]}],
    )
    clock: ClockSettings = Field(
        default_factory=ClockSettings, description="Thresholds of the statutory clock."
    )
    efficiency: EfficiencyRules = Field(
        default_factory=EfficiencyRules, description="The per-mu evaluation (亩均效益评价)."
    )
    import_max_mb: int = Field(default=200, gt=0, le=4096, description="Largest upload, MB.")
    backup_max_mb: int = Field(
        default=2048,
        gt=0,
        description="Largest backup archive accepted for a restore through the web, MB.",
    )
    request_max_mb: float = Field(
        default=4.0,
        gt=0,
        le=1024,
        description="Largest request body other than a file upload (JSON, page forms), MB.",
    )
    attachments_dir: Path = Field(
        default_factory=lambda: default_data_dir() / "attachments",
        description="Folder where documents attached to cases (PDF, images) are stored.",
        examples=["data/attachments"],
    )
    attachment_max_mb: float = Field(
        default=20.0, gt=0, description="Largest attachment accepted, in MB."
    )
    map_inline_max_parcels: int = Field(
        default=5000,
        ge=0,
        description="Above this many filtered parcels the ledger map draws them from vector "
        "tiles instead of inlining them in the page.",
    )
    workbook_detail_max_rows: int = Field(
        default=20_000,
        ge=0,
        description="Above this many ledger rows the ledger workbook leaves out its 处置记录 "
        "(events) and 打印 sheets, saying so on its 核心数据 sheet: a province's ledger is "
        "written in the time its 台账 sheet takes.",
    )
    print_paper: Literal["A3", "A4"] = Field(
        default="A3",
        description="Paper of the printed ledger (PDF) and of the workbook's print set-up, "
        "landscape: A3 or A4.",
    )
    print_columns: list[str] = Field(
        default_factory=lambda: list(DEFAULT_PRINT_COLUMNS),
        description="Columns of the printed ledger and of the workbook's 打印 sheet, in "
        "order, as JSON: seq, zone, parcel, holder, idle_area, cause, determination, route, "
        "progress, revitalized_area, responsible_unit, deadline, remarks, or any ledger "
        "column's key (e.g. case_no, project_name, parcel_area_mu).",
    )
    disclosure_statuses: list[DisclosureStatus] = Field(
        default_factory=lambda: list(DISCLOSURE_STATUSES),
        min_length=1,
        description="Statuses whose cases the public idle-land list (闲置土地信息公开) "
        "shows, as JSON: any of identified, planned, disposing, revitalized, closed.",
    )
    disclosure_columns: list[DisclosureColumn] = Field(
        default_factory=lambda: list(DISCLOSURE_COLUMNS),
        min_length=1,
        description="Columns of the public idle-land list, in order, as JSON (see "
        "landgis.disclosure.COLUMNS); nothing else is ever published.",
    )
    work_report_template: Path | None = Field(
        default=None,
        description="The county's own Word template of the work report (工作情况报告), "
        "edited from `landgis report work-template`; the built-in one when unset.",
    )
    zone_industries: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_ZONE_INDUSTRIES.items()},
        description="Each zone's leading industries (主导产业) by zone name, as JSON; a "
        "zone's parcels and buildings share the industries of the zones around it. Used to "
        "match projects (landgis.projects.matching).",
        examples=[{"青溪经济开发区": ["纺织鞋服", "健康食品", "新能源电池"]}],
    )
    campaign_target_mu: float | None = Field(
        default=None,
        gt=0,
        description="The campaign's revitalization target in 亩, shown on the dashboard.",
        examples=[200],
    )
    lease_warn_days_ahead: int = Field(
        default=60,
        ge=0,
        le=3660,
        description="Warn of a lease this many days before it ends (with the statutory "
        "warnings); 0: only leases past their end still recorded as let.",
    )

    @field_validator("print_columns")
    @classmethod
    def _known_print_columns(cls, value: list[str]) -> list[str]:
        from landgis.schema.printed import check_printed  # only when set: the CLI starts light

        return list(check_printed(value))

    @property
    def backend(self) -> BackendName:
        """Which storage backend the database URL names (``spatialite``, ``postgis``)."""
        from landgis.db.backends import backend_for  # only when asked: the CLI starts light

        return backend_for(self.database_url).name


class LanguageSetting(BaseSettings):
    """The language alone, read from where :class:`Settings` reads it: to tell, in the
    user's language, which other setting does not validate."""

    model_config = SOURCES

    language: Language = "zh"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()

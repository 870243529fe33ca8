"""The stored model: zones, parcels, buildings with their units and leases, ledger cases,
their events, users, and the projects courted for idle land and space.

Geometries are MultiPolygons in CGCS2000 geographic coordinates (EPSG:4490, x = lon).
Areas are stored in m², computed from the geometry when it is written (``landgis.geo``).
"""

from landgis.db.models.accounts import (
    ApiToken,
    AuditEntry,
    LoginThrottle,
    ServerSecret,
    User,
    UserSession,
)
from landgis.db.models.base import Base, JSONType, TimestampMixin, multipolygon, one_of
from landgis.db.models.efficiency import (
    EfficiencyResult,
    EfficiencyReview,
    EfficiencyYearStamp,
    EnterpriseFigures,
)
from landgis.db.models.land import Case, CaseEvent, Parcel, Zone
from landgis.db.models.projects import Project, ProjectMatch
from landgis.db.models.records import Attachment, CountCache, DataVersion
from landgis.db.models.space import Building, BuildingUnit, Lease, LeaseUnit

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "Base",
    "Building",
    "BuildingUnit",
    "Case",
    "CaseEvent",
    "CountCache",
    "DataVersion",
    "EfficiencyResult",
    "EfficiencyReview",
    "EfficiencyYearStamp",
    "EnterpriseFigures",
    "JSONType",
    "Lease",
    "LeaseUnit",
    "LoginThrottle",
    "Parcel",
    "Project",
    "ProjectMatch",
    "ServerSecret",
    "TimestampMixin",
    "User",
    "UserSession",
    "Zone",
    "multipolygon",
    "one_of",
]

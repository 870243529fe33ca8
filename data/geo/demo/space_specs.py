"""The park's standard factory space (标准厂房) as of 30 November 2026: the platform company
and its two standard factory parks, their buildings, the leases of their units and of the
ledger's 租赁转产 case, and the projects the park courts (招商项目).

The ledger stands as of 31 August 2023 (:data:`~data.geo.demo.county.AS_OF`); the factory
space register runs on to :data:`SPACE_AS_OF`: leases from 2023 to 2031, one ending
within 60 days of that day, one past its end and still recorded as let (its renewal being
negotiated), one signed ahead of its start. No lease takes a case's idle factory space, so
the ledger's figures stay those of the source report; the three leases of case
QX-XZ-2023-003 record the lease that revitalized it in May 2023 (its buildings are
already revitalized, so they change nothing in the ledger).
"""

from __future__ import annotations

from dataclasses import dataclass

SPACE_AS_OF = "2026-11-30"
PLATFORM = "青溪县产业投资发展有限公司"  # the park's platform company (the ledger names it too)


@dataclass(frozen=True)
class ParkSpec:
    """A standard factory park on a parcel of land under construction: its project name,
    and its buildings as (name, floors, footprint m² asked, state of its units)."""

    parcel_code: str
    project: str
    buildings: tuple[tuple[str, int, float, str], ...]


PARKS: tuple[ParkSpec, ...] = (
    ParkSpec(
        "519901001003GB00027",
        "产城新区标准化厂房项目",
        (
            ("1号楼", 4, 2600.0, "vacant"),
            ("2号楼", 4, 2600.0, "vacant"),
            ("3号楼", 3, 2200.0, "vacant"),
        ),
    ),
    ParkSpec(
        "519901007001GB00017",
        "白鹤工业区标准化厂房（一期）项目",
        (
            ("A1栋", 3, 3200.0, "vacant"),
            ("A2栋", 3, 3200.0, "vacant"),
            ("A3栋", 4, 3600.0, "vacant"),
            ("A4栋", 5, 3000.0, "under_construction"),
        ),
    ),
)
# Units used by their owner: the park's service centre.
OWNER_OCCUPIED = {("519901007001GB00017", "A1栋", "1F-A")}
CASE_LEASED = "QX-XZ-2023-003"  # the ledger's 租赁转产 case whose buildings are let whole


@dataclass(frozen=True)
class LeaseSpec:
    """A lease: where (parcel, building, units), to whom, when, rent (元/㎡·月), what for;
    ``ended_on`` when it has ended; ``project_no`` and ``matched_on`` when a project's
    match signed it."""

    parcel_code: str
    building: str
    units: tuple[str, ...]
    tenant: str
    start: str
    end: str
    rent: float
    project: str | None = None
    ended_on: str | None = None
    project_no: str | None = None
    matched_on: str | None = None
    remarks: str | None = None


CC, BH = "519901001003GB00027", "519901007001GB00017"
LEASES: tuple[LeaseSpec, ...] = (
    LeaseSpec(CC, "1号楼", ("1F-A", "1F-B"), "四川云裳服饰有限公司", "2023-08-01", "2026-07-31",
              12.0, "功能性运动服装生产线", ended_on="2026-07-31", remarks="租期届满,已续签"),
    LeaseSpec(CC, "1号楼", ("1F-A", "1F-B"), "四川云裳服饰有限公司", "2026-08-01", "2029-07-31",
              12.5, "功能性运动服装生产线", remarks="续签"),
    LeaseSpec(CC, "1号楼", ("2F-A",), "青溪县川味坊食品有限公司", "2023-09-01", "2026-12-31",
              10.5, "休闲卤味食品加工"),
    LeaseSpec(CC, "1号楼", ("2F-B", "3F-A"), "四川蜀绣鞋业有限公司", "2023-10-15", "2026-10-31",
              9.5, "手工布鞋生产线", remarks="租期已届满,续签洽谈中"),
    LeaseSpec(CC, "2号楼", ("1F-A",), "四川蜀锐新能源科技有限公司", "2023-08-15", "2025-08-14",
              11.0, "储能电池模组过渡生产线", ended_on="2025-08-14",
              remarks="过渡厂房;自建厂房投产后租期届满退租"),
    LeaseSpec(CC, "2号楼", ("1F-B", "2F-B"), "四川凯瑟家纺有限公司", "2025-03-01", "2028-02-29",
              11.0, "家纺制品生产线"),
    LeaseSpec(CC, "2号楼", ("2F-A",), "四川康谷健康食品有限公司", "2023-11-01", "2026-10-31",
              10.0, "杂粮代餐食品加工", ended_on="2025-04-30", remarks="承租人提前退租"),
    LeaseSpec(CC, "3号楼", ("1F-A", "1F-B"), "四川禾润健康食品有限公司", "2027-01-01", "2031-12-31",
              11.5, "年产1万吨植物基饮品项目", project_no="ZS-2026-002", matched_on="2026-10-20"),
    LeaseSpec(BH, "A1栋", ("1F-B",), "四川麦香食品有限公司", "2023-06-01", "2028-05-31",
              9.0, "烘焙食品生产线"),
    LeaseSpec(BH, "A1栋", ("2F-A", "2F-B", "3F-A", "3F-B"), "四川云锦制衣有限公司", "2023-07-01",
              "2026-06-30", 8.0, "针织服装加工", ended_on="2026-06-30", remarks="租期届满退租"),
    LeaseSpec(BH, "A2栋", ("1F-A", "1F-B"), "四川锂晟新能源科技有限公司", "2025-05-01",
              "2030-04-30", 9.0, "年产5000万只锂电池精密结构件项目", project_no="ZS-2025-001",
              matched_on="2025-03-20"),
    LeaseSpec(BH, "A2栋", ("2F-A",), "四川驰能电池材料有限公司", "2025-09-01", "2027-08-31",
              8.5, "电池隔膜分切线"),
    LeaseSpec(BH, "A3栋", ("1F-A",), "青溪县鹤鸣食品有限公司", "2026-03-01", "2029-02-28",
              9.0, "川式调味料灌装线"),
)  # fmt: skip
CASE_TENANT = "四川启辰智能装备有限公司"  # the case's new holder, who took its buildings
CASE_LEASE = ("2023-05-08", "2033-05-07", 7.0, "智能仓储物流装备生产线项目")


@dataclass(frozen=True)
class ProjectSpec:
    """A project (招商项目) and the days of the stages it reached (洽谈, 签约, 落地, 投产)."""

    project_no: str
    name: str
    investor: str
    industry: str
    investment_wan_yuan: float
    stages: tuple[str, ...]
    preferred_zones: tuple[str, ...]
    staff: str
    land_need_mu: float | None = None
    floor_need_m2: float | None = None
    remarks: str | None = None


PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec("ZS-2025-001", "年产5000万只锂电池精密结构件项目", "四川锂晟新能源科技有限公司",
                "新能源电池", 12000.0, ("2025-01-10", "2025-03-20", "2025-05-06", "2025-10-18"),
                ("白鹤工业区",), "liting", floor_need_m2=3000.0),
    ProjectSpec("ZS-2025-002", "年产500万双休闲鞋智能制造项目", "四川步云鞋业有限公司",
                "纺织鞋服", 35000.0, ("2025-04-08", "2025-08-26", "2026-03-12"),
                ("白鹤工业区",), "zhangwei", land_need_mu=60.0,
                remarks="项目用地挂牌出让成交,2026年4月开工建设"),
    ProjectSpec("ZS-2026-001", "精密电子元器件组装项目", "四川芯联电子科技有限公司",
                "电子信息", 8000.0, ("2026-02-20", "2026-07-08"), ("临江工业区",), "chenjie",
                floor_need_m2=1500.0, remarks="已签订投资协议,待临江工业区标准厂房建成后入驻"),
    ProjectSpec("ZS-2026-002", "年产1万吨植物基饮品项目", "四川禾润健康食品有限公司",
                "健康食品", 6500.0, ("2026-06-15", "2026-10-20"), ("产城新区",), "zhangwei",
                floor_need_m2=2000.0),
    ProjectSpec("ZS-2026-003", "年产2GWh钠离子电池项目", "四川钠能新能源科技有限公司",
                "新能源电池", 48000.0, ("2026-09-05",), ("产城新区",), "liting",
                land_need_mu=45.0, remarks="有意兼并重组停产企业,取得其土地和厂房"),
    ProjectSpec("ZS-2026-004", "智能针织服装生产线项目", "青溪县织美服饰有限公司",
                "纺织鞋服", 3000.0, ("2026-10-12",), ("产城新区", "白鹤工业区"), "liuyang",
                floor_need_m2=3500.0),
)  # fmt: skip

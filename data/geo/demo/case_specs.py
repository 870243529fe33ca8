"""The 13 ledger cases of the demo county: where each lies, why it is in the ledger, how
far it got by 31 August 2023 and when, and what it became."""

from __future__ import annotations

from dataclasses import dataclass

from data.geo.demo.county import CAMPAIGN_DEADLINE
from data.geo.demo.strips import PieceKey
from landgis.workflow import MAIN_LINE


@dataclass(frozen=True)
class Land:
    """The land-supply history of a case parcel (ISO dates)."""

    contract: str
    agreed_start: str
    actual_start: str | None = None
    actual_completion: str | None = None


@dataclass(frozen=True)
class CaseSpec:
    """One ledger case: where, why, how far it got by 31 August 2023, and when."""

    piece: PieceKey
    target_mu: float
    category: str
    cause: str
    cause_detail: str
    status: str
    # dates of: open, investigating, identified, planned, disposing, revitalized, closed
    dates: tuple[str, ...]
    land: Land
    industry: int
    tax_per_mu: float
    remarks: str
    route: str | None = None
    deadline: str = CAMPAIGN_DEADLINE
    unit: str | None = None
    initial_cause: tuple[str, str] | None = None
    partial: bool = False  # revitalized in part: the rest of the 120 亩
    new_holder: str | None = None
    new_project: str | None = None
    buildings: tuple[str, ...] = ()  # final states of the factory buildings on the parcel
    hole: str | None = None
    edits: tuple[tuple[str, tuple[str, ...], str], ...] = ()  # (date, fields, note)


STEPS = MAIN_LINE  # the workflow's main line, suspected … closed
NATURAL_RESOURCES, PARK_COMMITTEE, COURT = "县自然资源局", "园区管委会", "县人民法院"

CASES: tuple[CaseSpec, ...] = (
    CaseSpec(
        piece=("A-r1c1-s", 0),
        target_mu=27.6,
        category="idle",
        cause="government",
        cause_detail="土地未按期交付：征地拆迁遗留问题未解决，未达到净地交付条件",
        initial_cause=("enterprise", "企业未按约定日期动工"),
        status="revitalized",
        route="buyback",
        deadline="2023-09-30",
        unit=NATURAL_RESOURCES,
        dates=("2023-01-06", "2023-01-16", "2023-02-20", "2023-03-15", "2023-03-28", "2023-05-18"),
        land=Land("2019-06-18", "2020-03-01"),
        industry=5,
        tax_per_mu=0.0,
        new_holder="四川蜀锐新能源科技有限公司",
        new_project="年产2GWh储能电池模组项目",
        remarks="政府原因闲置，依法回购后由县土地储备中心收储并重新供应",
    ),
    CaseSpec(
        piece=("B-1-1", 1),
        target_mu=34.4,
        category="idle",
        cause="judicial_seizure",
        cause_detail="原用地企业涉民间借贷纠纷，土地使用权及在建厂房被县人民法院查封",
        initial_cause=("judicial_seizure", "原用地企业涉债务纠纷"),
        status="revitalized",
        route="judicial_auction",
        unit=COURT,
        dates=("2023-01-06", "2023-01-18", "2023-02-22", "2023-03-20", "2023-04-06", "2023-06-16"),
        land=Land("2018-04-12", "2018-10-01", "2019-03-15"),
        industry=2,
        tax_per_mu=0.0,
        new_holder="四川溪谷食品有限公司",
        new_project="年产3万吨川式复合调味料项目",
        buildings=("revitalized", "revitalized"),
        remarks="经县人民法院司法拍卖成交，买受人已办理不动产转移登记并复工建设",
        edits=(("2023-02-03", ("cause_detail",), "补充司法查封情况"),),
    ),
    CaseSpec(
        piece=("B-2i-2", 0),
        target_mu=19.7,
        category="low_efficiency",
        cause="business_failure",
        cause_detail="企业2020年起停产，厂房闲置",
        status="revitalized",
        route="lease_conversion",
        deadline="2023-09-30",
        unit=PARK_COMMITTEE,
        dates=("2023-01-09", "2023-01-19", "2023-02-24", "2023-03-22", "2023-04-03", "2023-05-08"),
        land=Land("2011-05-20", "2011-10-01", "2011-11-08", "2013-04-26"),
        industry=9,
        tax_per_mu=3_200.0,
        new_holder="四川启辰智能装备有限公司",
        new_project="智能仓储物流装备生产线项目",
        buildings=("revitalized", "revitalized", "revitalized"),
        remarks="闲置厂房整体租赁给新企业转产，租期10年",
    ),
    CaseSpec(
        piece=("C2-s", 1),
        target_mu=18.3,
        category="idle",
        cause="government",
        cause_detail="规划调整：白鹤大道线位调整，原规划条件无法实施",
        status="closed",
        route="buyback",
        deadline="2023-09-30",
        unit=NATURAL_RESOURCES,
        dates=(
            "2023-01-06",
            "2023-01-13",
            "2023-02-10",
            "2023-03-02",
            "2023-03-10",
            "2023-04-21",
            "2023-08-15",
        ),
        land=Land("2018-09-26", "2019-05-01"),
        industry=0,
        tax_per_mu=0.0,
        new_holder="青溪县产业投资发展有限公司",
        new_project="白鹤工业区标准化厂房（二期）项目",
        remarks="回购款已支付，原土地使用权已注销登记，经验收销号",
    ),
    CaseSpec(
        piece=("B-1-3", 2),
        target_mu=55.0,
        category="low_efficiency",
        cause="judicial_seizure",
        cause_detail="企业破产清算，土地及厂房被县人民法院查封",
        status="disposing",
        route="judicial_auction",
        unit=COURT,
        partial=True,
        dates=("2023-01-10", "2023-01-30", "2023-03-03", "2023-03-29", "2023-04-12", "2023-07-12"),
        land=Land("2014-07-08", "2015-01-01", "2015-02-10", "2016-09-28"),
        industry=1,
        tax_per_mu=0.0,
        new_holder="四川鼎新包装科技有限公司",
        new_project="年产1.2亿个环保纸制品包装项目",
        buildings=("revitalized", "revitalized", "idle", "idle"),
        remarks="分宗拍卖：第一批20亩及2栋厂房于7月成交；剩余部分首次拍卖流拍，拟9月再次挂拍",
    ),
    CaseSpec(
        piece=("A-r2c2", 0),
        target_mu=62.4,
        category="low_efficiency",
        cause="business_failure",
        cause_detail="企业经营困难，主要生产线停产",
        status="planned",
        route="lease_conversion",
        deadline="2024-06-30",
        unit=PARK_COMMITTEE,
        dates=("2023-01-11", "2023-02-02", "2023-03-10", "2023-04-18"),
        land=Land("2010-03-15", "2010-09-01", "2010-09-20", "2012-05-30"),
        industry=6,
        tax_per_mu=8_600.0,
        buildings=("idle", "idle", "in_use"),
        remarks="宗地跨经二路两侧；拟引进企业租赁闲置厂房转产，正在洽谈",
        edits=(("2023-02-20", ("idle_area_m2",), "经实测，更正低效用地面积"),),
    ),
    CaseSpec(
        piece=("A-r1c2-n", 1),
        target_mu=47.8,
        category="idle",
        cause="enterprise",
        cause_detail="企业资金链紧张，未按约定日期动工",
        status="disposing",
        route="idle_fee",
        deadline="2023-06-30",
        unit=NATURAL_RESOURCES,
        dates=("2023-01-12", "2023-01-31", "2023-02-28", "2023-03-24", "2023-04-10"),
        land=Land("2019-03-22", "2019-12-01"),
        industry=3,
        tax_per_mu=0.0,
        remarks="已下达征缴土地闲置费决定书，企业逾期未缴纳，拟申请法院强制执行",
        edits=(("2023-07-05", (), "企业逾期未缴纳土地闲置费"),),
    ),
    CaseSpec(
        piece=("C3", 0),
        target_mu=33.5,
        category="idle",
        cause="government",
        cause_detail="规划调整：园区控制性详细规划修编，用地条件变更",
        status="planned",
        route="use_change",
        deadline="2024-03-31",
        unit=NATURAL_RESOURCES,
        dates=("2023-01-16", "2023-02-08", "2023-03-16", "2023-05-11"),
        land=Land("2020-01-10", "2020-09-01"),
        industry=7,
        tax_per_mu=0.0,
        remarks="拟按修编后的规划调整规划条件，重新约定动工期限",
    ),
    CaseSpec(
        piece=("B-2o-1", 0),
        target_mu=71.2,
        category="low_efficiency",
        cause="enterprise",
        cause_detail="容积率和亩均税收低于园区准入标准",
        status="identified",
        dates=("2023-01-17", "2023-02-14", "2023-04-12"),
        land=Land("2012-08-06", "2013-03-01", "2013-03-18", "2014-10-30"),
        industry=10,
        tax_per_mu=18_500.0,
        buildings=("in_use", "idle"),
        remarks="企业有意追加投资建设新厂房，待提交方案",
        edits=(("2023-03-06", ("idle_building_area_m2",), "现场核查：1栋厂房闲置"),),
    ),
    CaseSpec(
        piece=("A-r1c3-s", 0),
        target_mu=24.9,
        category="idle",
        cause="enterprise",
        cause_detail="企业投资计划调整，未按约定日期动工",
        status="investigating",
        dates=("2023-02-03", "2023-03-01"),
        land=Land("2020-08-14", "2021-03-01"),
        industry=11,
        tax_per_mu=0.0,
        hole="pond",
        remarks="宗地内坑塘不计入宗地面积；正在核实动工情况",
        edits=(("2023-06-20", ("idle_area_m2",), "经实测，更正闲置面积（扣除坑塘）"),),
    ),
    CaseSpec(
        piece=("C4", 1),
        target_mu=58.3,
        category="low_efficiency",
        cause="business_failure",
        cause_detail="企业停产半停产",
        status="suspected",
        dates=("2023-07-18",),
        land=Land("2009-04-28", "2009-10-01", "2009-10-12", "2011-06-20"),
        industry=4,
        tax_per_mu=5_400.0,
        buildings=("idle", "idle"),
        remarks="7月巡查发现，已发函要求企业说明停产情况",
        edits=(("2023-08-09", (), "已发函要求企业说明情况"),),
    ),
    CaseSpec(
        piece=("C6-n", 0),
        target_mu=41.6,
        category="idle",
        cause="force_majeure",
        cause_detail="2020年8月特大洪涝灾害致场地受损，需重新平整",
        initial_cause=("enterprise", "企业未按约定日期动工"),
        status="identified",
        dates=("2023-01-19", "2023-02-16", "2023-04-20"),
        land=Land("2019-11-05", "2020-06-01"),
        industry=8,
        tax_per_mu=0.0,
        remarks="不可抗力导致闲置，动工期限按规定顺延",
    ),
    CaseSpec(
        piece=("A-r2c3", 1),
        target_mu=44.3,
        category="low_efficiency",
        cause="business_failure",
        cause_detail="企业长期亏损停产",
        status="disposing",
        route="merger",
        unit="县经济和信息化局",
        dates=("2023-01-20", "2023-02-21", "2023-03-23", "2023-04-26", "2023-06-02"),
        land=Land("2013-06-17", "2013-12-01", "2013-12-20", "2015-08-15"),
        industry=12,
        tax_per_mu=2_100.0,
        buildings=("idle", "idle", "idle"),
        remarks="意向企业拟兼并重组，正在开展尽职调查",
    ),
)
FULLY_REVITALIZED = ("revitalized", "closed")
CASE_NOS = [f"QX-XZ-2023-{i:03d}" for i in range(1, len(CASES) + 1)]
ACTORS = ("zhangwei", "liting", "chenjie", "liuyang")
APPROVER = "wangfang"  # section chief: determinations, plans, close-out

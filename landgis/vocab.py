"""Controlled vocabularies of the ledger: code names and their Chinese labels.

Code names are stored; labels are what users see and what exported ledgers carry.
"""

from __future__ import annotations

from landgis import schema

CASE_STATUSES: dict[str, str] = {
    "suspected": "疑似闲置",
    "investigating": "调查中",
    "identified": "已认定",
    "planned": "方案已批复",
    "disposing": "处置中",
    "revitalized": "已盘活",
    "closed": "已销号",
    "dismissed": "不予认定/已撤销",
}

CATEGORIES: dict[str, str] = {
    "idle": "闲置土地",
    "low_efficiency": "低效用地",
    "approved_not_supplied": "批而未供",
    "supplied_not_used": "供而未用",
    "used_not_fully": "用而未尽",
}

CAUSES: dict[str, str] = {
    "government": "政府原因",
    "force_majeure": "不可抗力",
    "enterprise": "企业原因",
    "judicial_seizure": "司法查封",
    "business_failure": "停产/经营困难",
}

ROUTES: dict[str, str] = {
    "buyback": "依法回购",
    "judicial_auction": "司法拍卖",
    "lease_conversion": "租赁转产",
    "free_recovery": "无偿收回",
    "idle_fee": "征缴土地闲置费",
    "extension": "延长动工开发期限",
    "use_change": "调整土地用途、规划条件",
    "temporary_use": "政府安排临时使用",
    "land_swap": "置换土地",
    "self_revitalization": "企业自行盘活",
    "merger": "兼并重组",
    "split_transfer": "分割转让",
    "other": "其他",
}

BUILDING_STATES: dict[str, str] = {
    "in_use": "在用",
    "idle": "闲置",
    "revitalized": "已盘活",
}

BUILDING_KINDS: dict[str, str] = {
    "standard": "标准厂房",
    "enterprise": "企业厂房",
}

UNIT_STATES: dict[str, str] = {
    "vacant": "空置",
    "leased": "已出租",
    "owner_occupied": "自用",
    "under_construction": "在建",
}

LEASE_STATUSES: dict[str, str] = {
    "signed": "已签约未起租",
    "active": "租赁中",
    "ended": "已结束",
}

# 招商项目: the stages a project moves through, in order.
PROJECT_STAGES: dict[str, str] = {
    "negotiating": "洽谈",
    "signed": "签约",
    "landed": "落地",
    "producing": "投产",
}

# What a project was matched with: a ledger case's land, or vacant units let to it.
MATCH_KINDS: dict[str, str] = {
    "case": "台账地块",
    "lease": "厂房租赁",
}

ZONE_KINDS: dict[str, str] = {
    "county": "县界",
    "park": "园区",
    "area": "片区",
}

SUPPLY_METHODS: dict[str, str] = {
    "transfer": "出让",
    "allocation": "划拨",
}

ROLES: dict[str, str] = {
    "viewer": "查看",
    "editor": "编辑",
    "admin": "管理员",
}

# Case fields as the ledger and the forms name them (from the field schema).
CASE_FIELD_LABELS: dict[str, str] = schema.CASE.labels()

# What a case event did (CaseEvent.action).
ACTIONS: dict[str, str] = {
    "open": "列入台账",
    "status": "状态变更",
    "edit": "修改",
    "revitalize": "登记盘活",
    "dismiss": "不予认定/撤销",
    "reopen": "重新打开",
    "close": "销号",
    "parcel_update": "宗地信息更新",
    "attachment": "上传附件",
}

# What the audit log records (AuditEntry.action).
AUDIT_ACTIONS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "登录被锁定",
    "logout": "退出登录",
    "session_ended": "会话被结束",
    "user_created": "新建用户",
    "role_changed": "角色变更",
    "password_changed": "密码变更",
    "user_deactivated": "停用用户",
    "user_activated": "启用用户",
    "token_issued": "签发访问令牌",
    "tokens_revoked": "吊销访问令牌",
    "backup": "备份",
    "restore": "恢复备份",
}

# Each controlled vocabulary by the name fields use (landgis.schema's ``vocabulary``).
VOCABULARIES: dict[str, dict[str, str]] = {
    "status": CASE_STATUSES,
    "category": CATEGORIES,
    "cause": CAUSES,
    "route": ROUTES,
    "building_state": BUILDING_STATES,
    "building_kind": BUILDING_KINDS,
    "unit_state": UNIT_STATES,
    "lease_status": LEASE_STATUSES,
    "project_stage": PROJECT_STAGES,
    "match_kind": MATCH_KINDS,
    "zone_kind": ZONE_KINDS,
    "supply_method": SUPPLY_METHODS,
    "role": ROLES,
    "action": ACTIONS,
    "audit_action": AUDIT_ACTIONS,
}

"""The staff UI's message catalogue: every text the pages show, in Simplified Chinese (the
default) and English.

One module holds it all: interface messages in :data:`MESSAGES` (key -> (中文, English)),
and the English names of the ledger's vocabularies (statuses, routes, categories, causes,
roles …), whose Chinese names come from :mod:`landgis.vocab`, the same ones the exported
ledgers carry. Templates ask a :class:`Translator` for a key; an unknown key is an error,
never a silently untranslated text (the tests check every key a template uses).

Messages are ``str.format`` templates: ``t("ledger.page", page=2, pages=5)``.
"""

from __future__ import annotations

from collections.abc import Mapping

from landgis import schema, vocab
from landgis.errors import LandGISError
from landgis.maps import NOT_IN_LEDGER, MapLabels

LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
COOKIE = "landgis_lang"

MESSAGES: dict[str, tuple[str, str]] = {
    # layout
    "app.name": ("低效闲置工业用地管理", "Idle Industrial Land"),
    "nav.label": ("主导航", "Main navigation"),
    "nav.skip": ("跳到正文", "Skip to content"),
    "nav.dashboard": ("总览", "Dashboard"),
    "nav.ledger": ("台账", "Ledger"),
    "nav.map": ("地图", "Map"),
    "nav.import": ("导入宗地", "Import parcels"),
    "nav.admin": ("系统管理", "Administration"),
    "nav.login": ("登录", "Log in"),
    "nav.logout": ("退出登录", "Log out"),
    "nav.users": ("用户管理", "Users"),
    "nav.account": ("我的账户", "My account"),
    # account and administration
    "account.title": ("我的账户", "My account"),
    "account.sessions": ("登录会话", "Where you are logged in"),
    "account.end_others": ("结束其他所有会话", "Log out everywhere else"),
    "account.started": ("登录时间", "Logged in"),
    "account.last_seen": ("最近活动", "Last active"),
    "account.address": ("地址", "Address"),
    "account.browser": ("浏览器", "Browser"),
    "account.this_session": ("当前会话", "This session"),
    "account.end": ("结束", "End"),
    "account.password": ("修改密码", "Change password"),
    "account.password_note": (
        "修改后,您在其他电脑或浏览器上的登录将全部结束。",
        "After the change, your logins on other computers and browsers end.",
    ),
    "account.current_password": ("当前密码", "Current password"),
    "account.new_password": ("新密码(至少 8 位)", "New password (8 characters or more)"),
    "account.new_password_again": ("再次输入新密码", "New password again"),
    "account.change_password": ("修改密码", "Change password"),
    "users.title": ("用户管理", "Users"),
    "users.username": ("用户名", "Username"),
    "users.name": ("姓名", "Name"),
    "users.role": ("角色", "Role"),
    "users.save_role": ("保存", "Save"),
    "users.state": ("状态", "State"),
    "users.active": ("正常", "Active"),
    "users.inactive": ("已停用", "Deactivated"),
    "users.sessions": ("在线会话", "Sessions"),
    "users.deactivate": ("停用", "Deactivate"),
    "users.activate": ("启用", "Activate"),
    "users.logout": ("强制下线", "Log out everywhere"),
    "users.live_sessions": ("在线会话", "Live sessions"),
    "audit.title": ("审计日志", "Audit log"),
    "audit.since": ("自", "From"),
    "audit.until": ("至", "To"),
    "audit.action": ("操作", "Action"),
    "audit.any": ("全部", "Any"),
    "audit.user": ("账户", "Account"),
    "audit.actor": ("操作人", "By"),
    "audit.at": ("时间", "Time"),
    "audit.detail": ("说明", "Detail"),
    "audit.export": ("导出 CSV", "Export CSV"),
    "audit.shown": (
        "显示最近 {n} 条(最多 {limit} 条,导出不限)。",
        "Showing the latest {n} (at most {limit}; the export has all).",
    ),
    "flash.session_ended": ("会话已结束。", "The session was ended."),
    "flash.sessions_ended": ("其他会话已全部结束。", "Your other sessions were ended."),
    "flash.password_changed": (
        "密码已修改,其他会话已结束。",
        "Your password was changed; your other sessions ended.",
    ),
    "flash.user_changed": ("用户已更新。", "The user was updated."),
    # actions and units
    "action.apply": ("应用", "Apply"),
    "action.clear": ("清除", "Clear"),
    "action.filter": ("筛选", "Filter"),
    "action.cancel": ("取消", "Cancel"),
    "unit.mu": ("亩", "mu"),
    "unit.m2": ("㎡", "m²"),
    "unit.yuan": ("元", "yuan"),
    "unit.cases": ("宗", "cases"),
    "term.unassigned": ("未指定", "Not assigned"),
    # login
    "login.title": ("登录", "Log in"),
    "login.heading": ("登录", "Log in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.failed": ("用户名或密码不正确。", "The username or password is not correct."),
    "login.resume": (
        "登录已过期,您填写的内容尚未提交。请重新登录,登录后将回到原页面并保留所填内容。",
        "Your session expired and what you typed was not submitted. Log in again: you will "
        "be back on the form with your input kept.",
    ),
    "login.ended": ("登录已过期或已被结束,请重新登录。", "Your session ended; log in again."),
    # errors and notices
    "error.title": ("无法完成", "Cannot do that"),
    "error.home": ("返回总览", "Back to the dashboard"),
    "error.bad_date": (
        "日期格式无效,已忽略;请使用日期选择器。",
        "A date was not valid and was ignored; use the date picker.",
    ),
    "flash.status_changed": ("处置状态已更新。", "The status was changed."),
    "flash.revitalized": ("盘活情况已登记。", "The revitalization was recorded."),
    "flash.edited": ("台账条目已修改。", "The case was updated."),
    "flash.attached": ("附件已上传。", "The attachment was uploaded."),
    "flash.imported": (
        "导入完成:新增 {inserted} 宗,更新 {updated} 宗,共 {area} 亩。",
        "Imported: {inserted} new parcels, {updated} updated, {area} mu in all.",
    ),
    # administration: backup and restore
    "admin.title": ("系统管理", "Administration"),
    "admin.intro": (
        "备份与恢复:把数据库和台账附件打包成一个备份文件,或用备份文件恢复。",
        "Backup and restore: pack the database and the case attachments into one backup "
        "file, or restore them from one.",
    ),
    "admin.backend": ("数据库", "Database"),
    "admin.revision": ("结构版本", "Schema revision"),
    "admin.backup": ("备份", "Back up"),
    "admin.backup_hint": (
        "备份文件(.zip)包含整个数据库、全部附件,以及记录每个文件大小和校验值的清单。"
        "备份期间系统照常使用;请把备份文件保存到其他电脑或移动硬盘上。",
        "The backup file (.zip) holds the whole database, every attachment, and a manifest "
        "with the size and checksum of each file. The system stays in use meanwhile; keep "
        "the file on another computer or an external disk.",
    ),
    "admin.backup_button": ("备份数据库", "Back up the database"),
    "admin.restore": ("恢复", "Restore"),
    "admin.restore_hint": (
        "恢复会用备份文件替换当前的全部数据(宗地、台账、处置记录、用户)和附件。"
        "恢复前逐一核对校验值;文件损坏、被改动或来自更新版本的 landgis 时拒绝恢复,"
        "当前数据不作任何更改。",
        "A restore replaces all current data (parcels, cases, events, users) and "
        "attachments with the backup's. Every checksum is verified first; a damaged or "
        "altered file, or one from a newer landgis, is refused and nothing changes.",
    ),
    "admin.restore_limit": (
        "上传的备份文件不超过 {mb} MB;更大的备份请在服务器上运行 landgis restore。",
        "Uploads are limited to {mb} MB; restore larger backups on the server with "
        "landgis restore.",
    ),
    "admin.restore_file": ("备份文件(.zip)", "Backup file (.zip)"),
    "admin.restore_confirm": (
        "我确认:用这份备份替换当前的全部数据和附件",
        "I confirm: replace all current data and attachments with this backup",
    ),
    "admin.restore_button": ("恢复备份", "Restore the backup"),
    "admin.restored": (
        "已恢复 {created} 的备份:{cases} 条台账、{events} 条处置记录、{files} 个附件文件。",
        "Restored the backup of {created}: {cases} cases, {events} events, "
        "{files} attachment files.",
    ),
    "admin.login_again": (
        "恢复结束了所有浏览器会话(包括您的):请用备份中的账户和密码重新登录。",
        "The restore ended every browser session, yours too: log in again with the "
        "accounts and passwords of the backup.",
    ),
    # dashboard
    "dashboard.title": ("总览", "Dashboard"),
    "dashboard.from": ("起始日期", "From"),
    "dashboard.to": ("截止日期", "To"),
    "dashboard.as_of": ("数据截至 {day}", "Figures as of {day}"),
    "dashboard.period": ("统计期间:{start} 至 {end}", "Period: {start} to {end}"),
    "dashboard.figures": ("核心数据", "Headline figures"),
    "dashboard.map": ("台账图", "Ledger map"),
    "dashboard.full_map": ("全屏查看地图 »", "Open the full map »"),
    "figure.cases": ("台账条目", "Cases in the ledger"),
    "figure.ledger_area": ("闲置/低效面积", "Idle / low-efficiency area"),
    "figure.revitalized_area": ("已盘活面积", "Revitalized area"),
    "figure.revitalized_cases": ("涉及 {n} 宗", "in {n} cases"),
    "figure.revitalized_floor": ("盘活闲置厂房", "Factory floor revitalized"),
    "figure.share": ("台账盘活比例", "Share of the ledger revitalized"),
    "figure.share_note": ("{done} / {total} 亩", "{done} of {total} mu"),
    "figure.target": ("完成盘活目标", "Progress to the campaign target"),
    "figure.target_note": ("{done} / 目标 {target} 亩", "{done} of the {target} mu target"),
    "figure.no_target": (
        "未设置盘活目标(LANDGIS_CAMPAIGN_TARGET_MU)",
        "No campaign target set (LANDGIS_CAMPAIGN_TARGET_MU)",
    ),
    "figure.overdue": ("逾期条目", "Overdue cases"),
    "chart.empty": ("暂无数据", "No data"),
    "chart.by_route": ("盘活面积(按处置方式)", "Revitalized area by route"),
    "chart.by_zone": ("台账面积与盘活面积(按园区)", "Ledger and revitalized area by zone"),
    "chart.by_month": ("盘活面积(按月份)", "Revitalized area by month"),
    "chart.by_status": ("台账面积(按处置状态)", "Ledger area by status"),
    "chart.series_ledger": ("台账面积", "Ledger area"),
    "chart.series_revitalized": ("盘活面积", "Revitalized area"),
    # filters
    "filter.label": ("筛选台账", "Filter the ledger"),
    "filter.q": ("搜索", "Search"),
    "filter.q_hint": ("宗地编号、权利人或项目名称", "Parcel code, holder or project"),
    "filter.status": ("处置状态", "Status"),
    "filter.category": ("问题类型", "Category"),
    "filter.cause": ("闲置原因", "Cause"),
    "filter.route": ("处置方式", "Route"),
    "filter.zone": ("所在园区", "Zone"),
    "filter.overdue": ("是否逾期", "Overdue"),
    "filter.overdue_only": ("仅逾期", "Overdue only"),
    "filter.not_overdue": ("未逾期", "Not overdue"),
    "filter.all": ("全部", "All"),
    "filter.as_of": ("台账日期", "Ledger as of"),
    # ledger
    "ledger.title": ("闲置土地处置台账", "Idle land disposal ledger"),
    "ledger.now": ("当前台账", "The ledger as it stands now"),
    "ledger.as_of": (
        "{day} 的台账(由处置记录重建)",
        "The ledger as of {day} (rebuilt from events)",
    ),
    "ledger.totals": (
        "合计 {n} 宗,闲置/低效面积 {idle} 亩,已盘活 {done} 亩,逾期 {overdue} 宗",
        "{n} cases, {idle} mu idle or low-efficiency, {done} mu revitalized, {overdue} overdue",
    ),
    "ledger.export": ("导出", "Export"),
    "ledger.overdue": ("逾期", "overdue"),
    "ledger.none": ("没有符合条件的台账条目。", "No case matches these filters."),
    "ledger.pages": ("分页", "Pages"),
    "ledger.prev": ("« 上一页", "« Previous"),
    "ledger.next": ("下一页 »", "Next »"),
    "ledger.page": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "ledger.per_page": ("每页", "Per page"),
    "ledger.on_map": ("在地图上查看", "Show on the map"),
    # map page
    "map.title": ("台账图", "Ledger map"),
    "map.filters": ("筛选", "Filters"),
    "map.filtered": ("已筛选", "filtered"),
    # case page
    "case.version": ("版本 {n}", "Version {n}"),
    "case.map": ("宗地图", "Parcel map"),
    "case.fields": ("台账信息", "Case"),
    "case.parcel": ("宗地信息", "Parcel"),
    "case.buildings": ("厂房", "Factory buildings"),
    "case.no_buildings": ("无厂房记录。", "No buildings recorded."),
    "case.warnings": ("法定时限提示", "Statutory warnings"),
    "case.no_warnings": ("当前没有提示。", "No warnings now."),
    "case.due_on": ("时限:{day}", "Due: {day}"),
    "case.actions": ("登记处置", "Record what happened"),
    "case.no_actions": ("当前没有可执行的状态变更。", "No status change is open to you now."),
    "case.revitalize": ("登记盘活(可分批)", "Record revitalization (partial or complete)"),
    "case.revitalize_hint": (
        "已盘活 {done} 亩 / 闲置 {idle} 亩。本次面积将累加。",
        "{done} of {idle} mu revitalized so far; this area is added to it.",
    ),
    "case.edit": ("修改台账信息", "Edit the case"),
    "case.attachments": ("附件", "Attachments"),
    "case.no_attachments": ("暂无附件。", "No attachments yet."),
    "case.history": ("处置记录", "History"),
    "case.stale": (
        "该条目在您打开后已被他人修改",
        "Changed by someone else since you opened it",
    ),
    "case.newer_values": ("他人修改后的最新内容", "The newer values"),
    "case.field": ("字段", "Field"),
    "case.new_value": ("最新值", "Newer value"),
    "case.changed_by": ("修改人", "Changed by"),
    "case.stale_kept": (
        "您填写的内容没有保存,仍保留在下方表单中;请核对最新内容后再次提交。",
        "What you typed was not saved and is kept in the form below; review the newer "
        "values and submit again.",
    ),
    "case.kept_input": ("您填写的内容(未保存)", "What you typed (not saved)"),
    "case.kept_not_allowed": (
        "当前状态下已不能改为“{status}”,请复制需要的内容后选择其他操作。",
        "The case can no longer move to “{status}”; copy what you need and choose another action.",
    ),
    "transition.forward": ("推进到", "Move to"),
    "transition.back": ("退回到", "Step back to"),
    "transition.dismiss": ("不予认定/撤销", "Dismiss"),
    "transition.reopen": ("重新打开为", "Reopen as"),
    "form.occurred_on": ("发生日期", "Date"),
    "form.document_no": ("文号", "Document number"),
    "form.note": ("备注", "Note"),
    "form.reason": ("理由说明", "Reason"),
    "form.area_mu": ("本次盘活面积(亩)", "Area revitalized now (mu)"),
    "form.building_area_m2": ("本次盘活厂房面积(㎡)", "Factory floor revitalized now (m²)"),
    "form.area_optional": (
        "已登记盘活 {mu} 亩;如无新增可不填。",
        "{mu} mu already recorded; leave empty if nothing was added.",
    ),
    "form.closes": (
        "销号日期即发生日期;销号后条目只读。",
        "The close-out date is the date above; the case is read-only afterwards.",
    ),
    "form.complete": ("全部盘活完成(改为“已盘活”)", "Completely revitalized (status: revitalized)"),
    "form.shortfall": (
        "还有 {mu} 亩未盘活，确定办结？",
        "{mu} mu are not revitalized yet. Complete the case anyway?",
    ),
    "form.confirm_shortfall": ("确定办结", "Complete the case"),
    "form.shortfall_hint": (
        "或在下方填写本次盘活面积后重新提交。",
        "Or enter the area revitalized now below and submit again.",
    ),
    "form.submit_status": ("确认改为“{status}”", "Change to “{status}”"),
    "form.submit_revitalization": ("登记盘活", "Record revitalization"),
    "form.submit_edit": ("保存修改", "Save changes"),
    "form.target": ("目标状态", "Target status"),
    "severity.overdue": ("已逾期", "Overdue"),
    "severity.warning": ("警示", "Warning"),
    "severity.info": ("提示", "Note"),
    "severity.error": ("错误", "Error"),
    "building.name": ("厂房", "Building"),
    "building.floor_area": ("建筑面积(㎡)", "Floor area (m²)"),
    "building.state": ("状态", "State"),
    "attachment.file": ("文件", "File"),
    "attachment.description": ("说明", "Description"),
    "attachment.size": ("大小", "Size"),
    "attachment.uploaded": ("上传人 · 时间", "Uploaded by · at"),
    "attachment.download": ("下载", "Download"),
    "attachment.choose": ("选择文件", "Choose a file"),
    "attachment.upload": ("上传附件", "Upload"),
    "attachment.rules": (
        "可上传 PDF 或图片(PNG、JPEG、GIF、TIFF、WebP),不超过 {mb} MB;按文件内容识别类型。",
        "PDF or images (PNG, JPEG, GIF, TIFF, WebP) up to {mb} MB; the type is checked "
        "from the content.",
    ),
    # parcel attributes
    "parcel.zone": ("所在园区", "Zone"),
    # import
    "import.title": ("导入宗地", "Import parcels"),
    "import.intro": (
        "先检查文件(不写入数据库),确认报告无误后再导入。",
        "The file is checked first (nothing is stored); import it once the report is right.",
    ),
    "import.file": ("宗地文件", "File of parcels"),
    "import.crs": ("坐标系(文件未注明时填写)", "Coordinate system (when the file has none)"),
    "import.layer": ("图层(多图层文件)", "Layer (files with several layers)"),
    "import.hint": (
        "支持 Shapefile 压缩包、GeoPackage、GeoJSON、KML/KMZ、DXF、CSV/Excel 等;"
        "坐标系如 EPSG:4490 或 EPSG:4544。",
        "Zipped Shapefiles, GeoPackage, GeoJSON, KML/KMZ, DXF, CSV/Excel and more; a "
        "coordinate system such as EPSG:4490 or EPSG:4544.",
    ),
    "import.check": ("检查文件", "Check the file"),
    "import.mode": ("已有宗地编号", "Parcel codes already stored"),
    "import.mode_insert": ("视为错误(只新增)", "Are errors (add new parcels only)"),
    "import.mode_upsert": ("更新这些宗地", "Update those parcels"),
    "import.swap_xy": (
        "交换 X/Y(文件把北坐标写在 X 列时)",
        "Swap X and Y (when the file puts northings in X)",
    ),
    "import.inserted": ("将新增", "New"),
    "import.updated": ("将更新", "Updated"),
    "import.unchanged": ("无变化", "Unchanged"),
    "import.detail.format": ("格式", "Format"),
    "import.detail.layer": ("图层", "Layer"),
    "import.detail.encoding": ("编码", "Encoding"),
    "import.detail.crs": ("坐标系", "Coordinate system"),
    "import.report": ("检查报告", "Check report"),
    "import.count": ("宗地数", "Parcels"),
    "import.area": ("面积合计", "Total area"),
    "import.problems": ("问题数", "Problems"),
    "import.row": ("行号", "Row"),
    "import.whole_file": ("整个文件", "Whole file"),
    "import.severity": ("级别", "Severity"),
    "import.problem": ("问题", "Problem"),
    "import.preview": ("导入预览", "Preview"),
    "import.confirm": ("确认导入 {n} 宗宗地", "Import {n} parcels"),
    "import.refused": (
        "文件有必须修改的问题,未导入任何宗地;请修改后重新上传。",
        "The file has problems to correct; nothing was imported. Correct them and upload it again.",
    ),
    "import.again": ("重新上传", "Upload again"),
    "import.see_map": ("在地图上查看", "See them on the map"),
}
# The parcel's fields by the field schema's labels (parcel.<field>, parcel.area).
MESSAGES |= {f"parcel.{f.name}": (f.zh, f.en) for f in schema.PARCEL}
MESSAGES["parcel.area"] = (schema.PARCEL_AREA.zh, schema.PARCEL_AREA.en)

# English names of the ledger's vocabularies; the Chinese ones are landgis.vocab's.
STATUS_EN: dict[str, str] = {
    "suspected": "Suspected idle",
    "investigating": "Under investigation",
    "identified": "Determined idle",
    "planned": "Plan approved",
    "disposing": "Being disposed of",
    "revitalized": "Revitalized",
    "closed": "Closed out",
    "dismissed": "Dismissed",
}
CATEGORY_EN: dict[str, str] = {
    "idle": "Idle land",
    "low_efficiency": "Low-efficiency land",
    "approved_not_supplied": "Approved, not supplied",
    "supplied_not_used": "Supplied, not used",
    "used_not_fully": "Not fully used",
}
CAUSE_EN: dict[str, str] = {
    "government": "Government",
    "force_majeure": "Force majeure",
    "enterprise": "Enterprise",
    "judicial_seizure": "Judicial seizure",
    "business_failure": "Business failure",
}
ROUTE_EN: dict[str, str] = {
    "buyback": "Buyback",
    "judicial_auction": "Judicial auction",
    "lease_conversion": "Lease or conversion",
    "free_recovery": "Recovery without compensation",
    "idle_fee": "Idle-land fee",
    "extension": "Extension of the start date",
    "use_change": "Change of use or planning conditions",
    "temporary_use": "Temporary government use",
    "land_swap": "Land swap",
    "self_revitalization": "Revitalized by the enterprise",
    "merger": "Merger or share transfer",
    "split_transfer": "Split transfer",
    "other": "Other",
}
# What an event did (CaseEvent.action), and an upload shown beside the events.
ACTION_EN: dict[str, str] = {
    "open": "Entered in the ledger",
    "status": "Status changed",
    "edit": "Edited",
    "revitalize": "Revitalization recorded",
    "dismiss": "Dismissed",
    "reopen": "Reopened",
    "close": "Closed out",
    "parcel_update": "Parcel updated",
    "attachment": "Attachment uploaded",
}
ROLE_EN: dict[str, str] = {"viewer": "Viewer", "editor": "Editor", "admin": "Administrator"}
BUILDING_STATE_EN: dict[str, str] = {
    "in_use": "In use",
    "idle": "Idle",
    "revitalized": "Revitalized",
}
ZONE_KIND_EN: dict[str, str] = {"county": "County", "park": "Park", "area": "Area"}
SUPPLY_METHOD_EN: dict[str, str] = {"transfer": "Transfer", "allocation": "Allocation"}
# Field labels and ledger headers in English; the Chinese ones are the field schema's too.
FIELD_EN: dict[str, str] = {**schema.CASE.labels("en"), "reason": "Reason"}
FIELD_ZH_EXTRA: dict[str, str] = {"reason": "理由说明"}
COLUMN_EN: dict[str, str] = {c.key: c.en for c in schema.EXPORTED}

# vocabulary name -> (Chinese names, English names)
VOCABULARIES: dict[str, tuple[Mapping[str, str], Mapping[str, str]]] = {
    "status": (vocab.CASE_STATUSES, STATUS_EN),
    "category": (vocab.CATEGORIES, CATEGORY_EN),
    "cause": (vocab.CAUSES, CAUSE_EN),
    "route": (vocab.ROUTES, ROUTE_EN),
    "role": (vocab.ROLES, ROLE_EN),
    "building_state": (vocab.BUILDING_STATES, BUILDING_STATE_EN),
    "supply_method": (vocab.SUPPLY_METHODS, SUPPLY_METHOD_EN),
    "zone_kind": (vocab.ZONE_KINDS, ZONE_KIND_EN),
    "action": (vocab.ACTIONS, ACTION_EN),
}
FIELDS: tuple[Mapping[str, str], Mapping[str, str]] = (
    {**vocab.CASE_FIELD_LABELS, **FIELD_ZH_EXTRA},
    FIELD_EN,
)
COLUMNS: tuple[Mapping[str, str], Mapping[str, str]] = (
    {c.key: c.zh for c in schema.EXPORTED},
    COLUMN_EN,
)


def map_labels(lang: str = DEFAULT_LANGUAGE) -> MapLabels:
    """The texts of the folium maps in ``lang``: the maps' own (Chinese) ones, or English
    built from this catalogue's English names."""
    if language_of(lang) == "zh":
        return MapLabels()
    area_mu = "Parcel area (mu)"
    return MapLabels(
        title="Idle land disposal ledger map",
        parcel_title="Parcel {code}",
        status_legend=COLUMN_EN["status"],
        legend="Legend",
        this_parcel="This parcel",
        neighbours="Nearby parcels",
        neighbours_legend="Nearby parcels (within 200 m)",
        buildings="Factory buildings",
        building_state=COLUMN_EN["status"],
        floor_area="Floor area (m²)",
        no_zone="No zone",
        case_link="View the case »",
        parcel_link="View the parcel map »",
        parcels="Parcels",
        zoom_in="Zoom in to see parcels",
        statuses={**STATUS_EN, NOT_IN_LEDGER: "Not in the ledger"},
        routes=ROUTE_EN,
        building_states=BUILDING_STATE_EN,
        zone_kinds=ZONE_KIND_EN,
        tooltip={
            "parcel_code": COLUMN_EN["parcel_code"],
            "holder": COLUMN_EN["holder"],
            "zone_name": COLUMN_EN["zone_name"],
            "status_label": COLUMN_EN["status"],
            "area_mu": area_mu,
        },
        case_popup=(
            ("case_no", COLUMN_EN["case_no"]),
            ("parcel_code", COLUMN_EN["parcel_code"]),
            ("status_label", COLUMN_EN["status"]),
            ("route_label", COLUMN_EN["route"]),
            ("idle_mu", COLUMN_EN["idle_area_mu"]),
            ("revitalized_mu", COLUMN_EN["revitalized_area_mu"]),
            ("deadline", COLUMN_EN["deadline"]),
            ("holder", COLUMN_EN["holder"]),
            ("project_name", COLUMN_EN["project_name"]),
        ),
        parcel_popup=(
            ("parcel_code", COLUMN_EN["parcel_code"]),
            ("status_label", COLUMN_EN["status"]),
            ("holder", COLUMN_EN["holder"]),
            ("project_name", COLUMN_EN["project_name"]),
            ("zone_name", COLUMN_EN["zone_name"]),
            ("area_mu", area_mu),
        ),
        basemaps={
            "none": "No background",
            "osm": "OpenStreetMap",
            "tianditu": "Tianditu",
            "amap": "AutoNavi (Amap)",
        },
        tiles={
            "osm": "OpenStreetMap",
            "tianditu_vec": "Tianditu streets",
            "tianditu_cva": "Tianditu labels",
            "amap": "AutoNavi (Amap)",
        },
        attributions={
            "osm": "OpenStreetMap contributors",
            "tianditu": "Tianditu, National Platform for Common GeoSpatial Information Services",
            "amap": "AutoNavi (GCJ-02)",
        },
    )


def language_of(*choices: str | None) -> str:
    """The first supported language among ``choices`` (query, then cookie), else Chinese."""
    return next((c for c in choices if c in LANGUAGES), DEFAULT_LANGUAGE)


class Translator:
    """Texts in one language: ``t(key, **values)``, ``t.term(vocabulary, code)``,
    ``t.field(name)``, ``t.column(key)`` and ``t.message(error)``."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = language_of(lang)
        self._index = 0 if self.lang == "zh" else 1

    def __call__(self, key: str, **values: object) -> str:
        text = MESSAGES[key][self._index]
        return text.format(**values) if values else text

    def term(self, vocabulary: str, code: str) -> str:
        """The name of ``code`` in one of :data:`VOCABULARIES` (the code if unknown)."""
        return VOCABULARIES[vocabulary][self._index].get(code, code)

    def field(self, name: str) -> str:
        """The label of a case field (or of a ledger column)."""
        return FIELDS[self._index].get(name) or COLUMNS[self._index].get(name, name)

    def column(self, key: str) -> str:
        """The header of a ledger column."""
        return COLUMNS[self._index].get(key, key)

    def message(self, error: LandGISError) -> str:
        """A library error's message for the user, in this language."""
        return error.message if self._index == 0 else error.message_en

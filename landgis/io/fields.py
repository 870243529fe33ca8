"""Column names found in counties' files, mapped to landgis field names."""

from __future__ import annotations

from collections.abc import Iterable

# landgis field -> names seen in files (compared case-insensitively, spaces ignored)
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "parcel_code": (
        "宗地编号",
        "地块编号",
        "宗地代码",
        "不动产单元号",
        "code",
        "parcel_id",
        "zddm",
    ),
    "supervision_no": ("电子监管号", "监管号"),
    "project_name": ("项目名称", "project"),
    "zone_code": ("片区编号", "园区编号"),
    "zone_name": ("所在园区", "片区", "园区", "zone"),
    "location": ("坐落", "宗地坐落", "address"),
    "holder": ("土地使用权人", "权利人", "用地单位", "owner"),
    "credit_code": ("统一社会信用代码", "信用代码"),
    "land_use": ("土地用途", "用途", "landuse"),
    "supply_method": ("供地方式",),
    "contract_no": ("出让合同号", "合同编号", "划拨决定书号"),
    "contract_date": ("签订日期", "合同签订日期"),
    "land_price_yuan": ("出让价款", "成交价款", "price"),
    "agreed_start_date": ("约定动工日期", "约定开工日期"),
    "agreed_completion_date": ("约定竣工日期",),
    "actual_start_date": ("实际动工日期", "实际开工日期"),
    "actual_completion_date": ("实际竣工日期",),
    "registered_area_m2": ("登记面积", "宗地面积", "面积", "area"),
    "plot_ratio": ("容积率",),
    "tax_per_mu": ("亩均税收",),
}

SUPPLY_METHOD_LABELS: dict[str, str] = {"出让": "transfer", "划拨": "allocation"}


def _key(name: str) -> str:
    return "".join(name.split()).lower()


def map_columns(columns: Iterable[str]) -> dict[str, str]:
    """Rename map ``{file column: landgis field}`` for the columns that have a known name."""
    lookup = {_key(field): field for field in FIELD_ALIASES}
    for field, aliases in FIELD_ALIASES.items():
        lookup.update({_key(alias): field for alias in aliases})
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        field = lookup.get(_key(column))
        if field and field not in taken:
            mapping[column] = field
            taken.add(field)
    return mapping

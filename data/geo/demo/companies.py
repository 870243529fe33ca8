"""Fictional companies of the county: unique names, valid unified social credit codes, and
their projects."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.geo.demo.county import COUNTY_CODE
from landgis.credit_code import ALPHABET, check_character
from landgis.synthetic.companies import organization_checks, round_quantity

BRANDS_TEXT = (  # two-character trade names, split by spaces
    "恒达 瑞丰 宏泰 金鼎 鑫源 蜀兴 嘉禾 华晟 锦程 永盛 佳泰 众合 汇通 腾跃 "
    "鸿运 德润 正昌 安信 博远 启航 昊天 泓宇 凯越 丰源 盛达 源泰 星辰 卓峰 "
    "青峰 溪源 同创 裕丰 宏图 福瑞 祥和 明达 远航 巨能 科瑞 和信 骏达 龙腾 "
    "蜀光 川源 金穗 润泽 宏远 东升 天宇 鑫达 华鹏 荣昌 益丰 中鼎 富源 鼎盛 "
    "泰和 新宇 长丰 兴华 旭日 万通 金桥 信达 恒昌 鹏程 合力 顺达 宏达 联创 "
    "蓉鑫 川鹤 瑞祥 嘉诚 华骏 众诚 天晟 隆昌 盈丰 锦华 鑫旺 德信 聚力 宏昇 "
    "博瑞 川谷 兴隆 恒通 金盛 永和 凯瑞 百川 云帆 峰华 晟达 润丰 盛鑫 华兴 "
    "鼎力 福源 金川 瑞达 耀华 宇恒 丰泽 科源 宏伟"
)
INDUSTRIES = (  # (company words, project template, quantity range)
    ("机械制造", "年产{q}台（套）农业机械生产项目", (800, 6000)),
    ("新材料科技", "年产{q}吨高性能复合材料项目", (2000, 20000)),
    ("食品", "年产{q}吨川式调味品生产项目", (5000, 50000)),
    ("电子科技", "年产{q}万平方米印制电路板项目", (20, 200)),
    ("包装材料", "年产{q}万平方米纸制品包装项目", (500, 5000)),
    ("新能源科技", "年产{q}万套光伏支架项目", (5, 50)),
    ("汽车零部件", "年产{q}万套汽车零部件项目", (10, 120)),
    ("生物科技", "年产{q}吨生物饲料项目", (5000, 80000)),
    ("建材", "年产{q}万立方米新型墙体材料项目", (10, 60)),
    ("家具", "年产{q}万件板式家具项目", (5, 50)),
    ("纺织", "年产{q}万米功能性面料项目", (300, 3000)),
    ("塑业", "年产{q}吨塑料管材项目", (3000, 30000)),
    ("金属制品", "年产{q}万吨钢结构件项目", (1, 10)),
    ("药业", "年产{q}吨中药饮片及提取物项目", (500, 5000)),
    ("酒业", "年产{q}千升白酒酿造项目", (1000, 10000)),
    ("物流", "{brand}物流仓储中心项目", None),
)


def nice_quantity(rng: np.random.Generator, low: int, high: int) -> str:
    """A round production quantity between ``low`` and ``high``."""
    return round_quantity(float(rng.uniform(low, high)))


@dataclass
class Company:
    name: str
    credit_code: str
    project: str
    land_use: str


class CompanyMaker:
    """Fictional companies with unique names and valid unified social credit codes."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.pool = BRANDS_TEXT.split()
        self.brands: set[str] = set()
        self.names: set[str] = set()
        self.codes: set[str] = set()

    def credit_code(self, prefix: str = "91") -> str:
        """A credit code: registration type, county code, organization code, check character."""
        while True:
            digits = self.rng.integers(0, 10, 8)
            check = organization_checks(digits[np.newaxis, :])[0]
            org = "".join(str(d) for d in digits) + ALPHABET[check]
            first17 = f"{prefix}{COUNTY_CODE}{org}"
            code = first17 + check_character(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def make(self, industry: int | None = None) -> Company:
        """A new company (of ``industry``, an index into INDUSTRIES, or any) and its project."""
        rng = self.rng
        if industry is None:
            industry = int(rng.integers(0, len(INDUSTRIES)))
        words, template, quantity = INDUSTRIES[industry]
        while True:
            brand = str(rng.choice(self.pool))
            prefix = str(rng.choice(["四川", "青溪县", "四川青溪"], p=[0.55, 0.3, 0.15]))
            suffix = str(
                rng.choice(["有限公司", "有限责任公司", "股份有限公司"], p=[0.85, 0.1, 0.05])
            )
            name = f"{prefix}{brand}{words}{suffix}"
            if brand not in self.brands and name not in self.names:
                break
        self.brands.add(brand)
        self.names.add(name)
        q = nice_quantity(rng, *quantity) if quantity else ""
        land_use = "仓储用地" if words == "物流" else "工业用地"
        return Company(name, self.credit_code(), template.format(q=q, brand=brand), land_use)

"""Display rounding (ROUND_HALF_UP, only on output) and JSON numbers (exact decimals)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# the report (a controlled document) prints the Chinese text only; the CLI and JSON add the gist
ROUNDING_RULE_ZH = (
    "内部全精度十进制计算；仅在输出时四舍五入：排放量保留 2 位小数，活动水平 3 位，排放因子 6 位，"
    "强度 4 位，百分比 1 位。JSON 输出为精确十进制数（活动水平 × 排放因子 = 排放量、各源之和 = 总量，逐位成立）。"
)
ROUNDING_RULE = ROUNDING_RULE_ZH + (
    " (exact decimals internally; rounded half-up only on output: tCO2 2 places, activity 3,"
    " factors 6, intensity 4, percent 1; JSON numbers are the exact decimals)"
)


def fixed(value: Decimal | None, places: int) -> str:
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    return f"{rounded:,.{places}f}"


def tco2(value: Decimal | None) -> str:
    return fixed(value, 2)


def activity(value: Decimal | None) -> str:
    return fixed(value, 3)


def factor(value: Decimal | None) -> str:
    return fixed(value, 6)


def intensity(value: Decimal | None) -> str:
    return fixed(value, 4)


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{fixed(value, 1)}%"


def num(value: Decimal | None) -> Decimal | None:
    """A JSON number: the exact Decimal (written digit for digit by `dumps_exact`)."""
    return value


def dumps_exact(data: object, **options: Any) -> str:
    """JSON text whose numbers are the Decimals' exact digits, never binary floats
    (indented by default; `options` as for json.dumps, e.g. sort_keys, separators)."""
    import simplejson

    settings: dict[str, Any] = {"ensure_ascii": False, "indent": 2, **options}
    return str(simplejson.dumps(data, use_decimal=True, **settings))


CATEGORY_ZH = {
    "combustion": "化石燃料燃烧",
    "process": "工业过程",
    "electricity": "净购入电力",
    "heat": "净购入热力",
}
BOUNDARY_ZH = {"fixed": "固定设施", "mobile": "移动源", "out_of_city": "京外场所"}
STATUS_ZH = {"operating": "运行", "planned": "计划", "retired": "停用"}
PARAMETER_ZH = {
    "ncv": "低位发热值",
    "carbon_content": "单位热值含碳量",
    "oxidation_rate": "碳氧化率",
    "emission_factor": "排放因子",
    "purity": "纯度",
    "activity": "活动水平",
}
ADVANCED_ZH_SHORT = {
    "domestic": "国内先进值",
    "international": "国际先进值",
    "own_best": "自身最优",
}
ORIGIN_ZH = {
    "default": "缺省值",
    "measured": "实测值",
    "specified": "规定值",
    "source_record": "排放源清单",
}


def objective_value(unit: str, value: Decimal | None) -> str:
    """An objective's figure: totals in tCO2 (or t) with 2 decimals like every emission,
    intensities and other ratios with 4."""
    return tco2(value) if unit.strip() in ("tCO2", "t") else intensity(value)

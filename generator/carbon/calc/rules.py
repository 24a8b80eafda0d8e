"""Accounting rules by jurisdiction and reporting year, read from `data/rules/<jurisdiction>.yaml`.

A rule is a value with its source and confidence tag (V / C / M). The engine reads the year's
default electricity factor, whether market green electricity counts as zero, whether purchased
heat is counted and which boundaries are counted; every rule is shown in the report. A year the
file does not list uses the latest earlier year's rules, and the rule set says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from generator.core.resources import data_path, parse_data_yaml

DEFAULT_JURISDICTION = "beijing"
RULE_ZH = {
    "notice": "当年通知",
    "standard": "核算标准",
    "electricity_factor": "电网排放因子缺省值",
    "green_electricity": "市场化绿色电力",
    "purchased_heat": "净购入热力",
    "boundary": "计入排放的边界",
    "biomass": "生物质二氧化碳",
}
VALUE_ZH = {
    "zero": "排放量按零计",
    "grid": "按电网排放因子计",
    "counted": "计入排放总量",
    "not_counted": "只报告，不计入",
    "separate": "单独报告，不计入总量",
    "fixed": "固定设施",
    "mobile": "移动源",
    "out_of_city": "京外场所",
}
TAG_ZH = {"V": "已核对", "C": "仅见于公开代码", "M": "未核实"}


@dataclass(frozen=True)
class Rule:
    key: str
    value: Any
    source: str
    tag: str

    @property
    def verified(self) -> bool:
        return self.tag == "V"

    @property
    def value_zh(self) -> str:
        values = self.value if isinstance(self.value, list) else [self.value]
        return "、".join(VALUE_ZH.get(str(v), str(v)) for v in values)


@dataclass(frozen=True)
class RuleSet:
    jurisdiction: str
    title: str
    year: int  # the reporting year asked for
    rules_year: int | None  # the year whose rules apply (None: no rule set at all)
    rules: tuple[Rule, ...]

    @property
    def id(self) -> str:
        return f"{self.jurisdiction}:{self.rules_year}" if self.rules_year else ""

    @property
    def borrowed(self) -> bool:
        """The year is not listed: an earlier year's rules are used."""
        return self.rules_year is not None and self.rules_year != self.year

    def get(self, key: str) -> Rule | None:
        return next((r for r in self.rules if r.key == key), None)

    def value(self, key: str, default: Any) -> Any:
        rule = self.get(key)
        return default if rule is None else rule.value

    @property
    def name_zh(self) -> str:
        if self.rules_year is None:
            return f"未找到 {self.jurisdiction} 的核算规则（按因子库缺省处理）"
        text = f"{self.title} {self.rules_year} 报告年度（{self.id}）"
        if self.borrowed:
            text += f"；未找到 {self.year} 年度规则，沿用 {self.rules_year} 年度"
        return text

    @property
    def green_zero(self) -> bool:
        return bool(self.value("green_electricity", "grid") == "zero")

    @property
    def heat_counted(self) -> bool:
        return bool(self.value("purchased_heat", "counted") == "counted")

    @property
    def counted_boundaries(self) -> tuple[str, ...]:
        return tuple(str(b) for b in self.value("boundary", ["fixed"]))

    @property
    def unverified(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if not r.verified)


@lru_cache(maxsize=8)
def _file(jurisdiction: str) -> dict[str, Any] | None:
    path = data_path("rules", f"{jurisdiction}.yaml")
    if not path.is_file():
        return None
    data = parse_data_yaml(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


def known_jurisdictions() -> list[str]:
    folder = data_path("rules")
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def rule_set(year: int, jurisdiction: str = DEFAULT_JURISDICTION) -> RuleSet:
    data = _file(jurisdiction)
    if data is None:
        return RuleSet(jurisdiction, jurisdiction, year, None, ())
    years = {int(y): v for y, v in (data.get("years") or {}).items()}
    earlier = [y for y in years if y <= year]
    chosen = max(earlier) if earlier else (min(years) if years else None)
    if chosen is None:
        return RuleSet(jurisdiction, str(data.get("title", jurisdiction)), year, None, ())
    rules = tuple(
        Rule(str(key), entry["value"], " ".join(str(entry["source"]).split()), str(entry["tag"]))
        for key, entry in years[chosen].items()
    )
    return RuleSet(jurisdiction, str(data.get("title", jurisdiction)), year, chosen, rules)

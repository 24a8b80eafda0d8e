"""Register rows as data: the `Register` table type and how cell values read in Chinese.

Shared by the dedicated registers (`register_rows.py`), the generic record tables and the
Word/Excel writers in `registers.py`; it imports none of them, so there is no cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PORTRAIT_WIDTH_CM = 16.0
LABELS = {
    "combustion": "化石燃料燃烧",
    "process": "工业过程",
    "electricity": "净购入电力",
    "heat": "净购入热力",
    "fixed": "固定设施",
    "mobile": "移动源",
    "out_of_city": "京外",
    "operating": "运行",
    "planned": "规划",
    "retired": "停用",
    "law": "法律",
    "regulation": "法规",
    "policy": "政策",
    "standard": "标准",
    "government": "政府要求",
    "industry": "行业要求",
    "voluntary": "自愿承诺",
    "contract": "合同",
    "commitment": "承诺",
    "reduction": "减排",
    "carbon_asset": "碳资产",
    "pass": "合格",
    "fail": "不合格",
    "not_calibrated": "未检定",
    "plan": "计划",
    "session": "实施",
    "major": "严重不符合",
    "minor": "一般不符合",
    "observation": "观察项",
    "internal_audit": "内部审核",
    "management_review": "管理评审",
    "monitoring": "监视测量",
    "compliance_evaluation": "合规性评价",
    "external": "外部",
    "other": "其他",
    "actual": "已发生",
    "potential": "潜在",
    "open": "未关闭",
    "closed": "已关闭",
    "in_force": "有效",
    "draft": "草稿",
    "withdrawn": "作废",
    "natural_gas": "天然气",
    "diesel": "柴油",
    "gasoline": "汽油",
    "limestone": "石灰石",
    "grid_electricity": "电网电力",
    "green_electricity": "绿色电力",
    "purchased_heat": "外购热力",
}


@dataclass(frozen=True)
class Register:
    name: str  # file stem
    title: str
    columns: tuple[tuple[str, float], ...]  # (heading, width in cm)
    rows: tuple[tuple[str, ...], ...]
    key: str = ""  # the record type (or master-list, document-issue): how the site finds it

    @property
    def landscape(self) -> bool:
        return sum(w for _, w in self.columns) > PORTRAIT_WIDTH_CM


def text(value: Any) -> str:
    """A cell's text: enum codes in Chinese, booleans as 是/否, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(text(v) for v in value)
    return LABELS.get(str(value), str(value))


# ---- writers -----------------------------------------------------------------------------

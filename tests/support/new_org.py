"""Fill the placeholders `cems init` leaves, as an organisation would (used by several tests).

Stdlib only: the wheel test runs it with the venv's Python, outside the source tree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MARKER = "【待填写】"
TOP = ("王建华", "wang.jianhua@example.org")
REP = ("李敏", "li.min@example.org")
FILLS = {
    "最高管理者姓名": TOP[0],
    "最高管理者的邮箱": TOP[1],
    "管理者代表姓名": REP[0],
    "管理者代表的邮箱": REP[1],
    "管理者代表的职务": "能源管理部部长",
    "碳排放管理归口部门名称": "能源管理部",
    "产量单位": "t",
    "主要产品产量的名称": "齿轮箱产量",
}


def fill_placeholders(root: Path) -> int:
    """Replace every placeholder in content/organisation.yaml; returns how many."""
    path = Path(root) / "content" / "organisation.yaml"
    text = path.read_text(encoding="utf-8")

    def fill(match: re.Match[str]) -> str:
        hint = match.group(1)
        for start, value in FILLS.items():
            if hint.startswith(start):
                return value
        return "已填写：" + re.split(r"[（：]", hint, maxsplit=1)[0]

    filled, count = re.subn(re.escape(MARKER) + r"([^\n]*)", fill, text)
    path.write_text(filled, encoding="utf-8", newline="\n")
    return count


if __name__ == "__main__":  # python new_org.py REPO
    print(fill_placeholders(Path(sys.argv[1])))

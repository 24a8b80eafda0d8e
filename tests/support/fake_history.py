"""Fake git history for the Word renderer tests (doorstop's mock VCS idea): no git needed."""

from __future__ import annotations

from datetime import date, datetime

from generator.content.model import Model
from generator.control.types import (
    MEANING_APPROVE,
    MEANING_AUTHOR,
    MEANING_REVIEW,
    Change,
    CopyIssue,
    DocumentControl,
    History,
    Release,
    Revision,
    Signature,
)
from tests.support.paths import RESOURCES, SAMPLE

HEAD = "f" * 40


def signature(name: str, email: str, when: str, meaning: str) -> Signature:
    return Signature(name=name, email=email, when=datetime.fromisoformat(when), meaning=meaning)


def release(tag: str, commit: str, when: str, effective: str) -> Release:
    approver = signature("周建国", "zhou.jianguo@yanling-ceramics.example", when, MEANING_APPROVE)
    tagged, day = datetime.fromisoformat(when), date.fromisoformat(effective)
    return Release(tag, tag.removeprefix("v"), commit, tagged, day, approver, f"发布 {tag}")


def change(commit: str, when: str, summary: str) -> Change:
    author = signature("唐雯", "tang.wen@yanling-ceramics.example", when, MEANING_AUTHOR)
    reviewer = signature("林慧", "lin.hui@yanling-ceramics.example", when, MEANING_REVIEW)
    return Change(commit, datetime.fromisoformat(when), summary, author, (reviewer,))


R1 = release("v2024.1", "a" * 40, "2024-03-01T10:00:00+08:00", "2024-03-05")
R2 = release("v2024.2", "b" * 40, "2024-09-01T10:00:00+08:00", "2024-09-10")
C1 = change("1" * 40, "2024-02-20T09:30:00+08:00", "首次编制")
C2 = change("2" * 40, "2024-08-15T14:00:00+08:00", "增加记录保存期限")


def revision(doc_id: str, number: int, rel: Release, changes: tuple[Change, ...]) -> Revision:
    return Revision(
        doc_id, "A", number, rel, f"content/{doc_id}.md", "0" * 64, "effective", changes
    )


def released_control(doc_id: str, distribution: tuple[str, ...] = ()) -> DocumentControl:
    """Two releases (A/0, A/1), the second in force, copies issued to each department."""
    rev0 = revision(doc_id, 0, R1, (C1,))
    rev1 = revision(doc_id, 1, R2, (C2,))
    copies = []
    for n, dept in enumerate(distribution, start=1):
        number = f"{doc_id}-{n:02d}"
        copies.append(CopyIssue(number, dept, doc_id, "A/0", R1.tag, R2.tag))
        copies.append(CopyIssue(number, dept, doc_id, "A/1", R2.tag))
    return DocumentControl(
        doc_id, (rev0, rev1), rev1, draft=False, copies=tuple(copies), last_review=date(2024, 9, 10)
    )


def history_for(controls: dict[str, DocumentControl]) -> History:
    return History(HEAD, (R1, R2), dict(controls))


def released_history(model: Model) -> History:
    """Every document of the model released twice and in force."""
    return history_for({d.id: released_control(d.id, d.distribution) for d in model.documents})


# ---- a small content repository ----------------------------------------------------------

import shutil  # noqa: E402
import struct  # noqa: E402
import zlib  # noqa: E402
from pathlib import Path  # noqa: E402

FRONT = """---
id: {id}
title: {title}
kind: procedure
edition: A
clauses: ["7.2"]
owner: quality
author: tang-wen
reviewer: lin-hui
approver: zhou-jianguo
status: {status}
review_interval_months: 12
distribution: [energy-env, quality, production]
---
"""

BODY = """
## 1 目的

规定文件的**编制**、*标识*和发放，见 [北京市生态环境局](https://sthjj.beijing.gov.cn/) 和 `records/` 目录。

## 2 职责

- **质量部**负责文件控制。
- 各部门：
  - 编制本部门文件；
  - 定期评审。

### 2.1 步骤

1. 提交修改请求。
2. 审核人审查。
   1. 检查条款；
   2. 签署 Reviewed-by。
3. 批准人发布。

| 记录 | 保存期限 |
|---|---|
| 排放报告 | 5 年 |
| 培训记录 | 3 年 |

![流程图](flow.png)
"""


def tiny_png() -> bytes:
    """A valid 4x2 PNG without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(2))
    header = struct.pack(">IIBBBBB", 4, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def make_root(target: Path, documents: dict[str, str] | None = None) -> Path:
    """Schemas, the sample organisation and reference template, plus our own documents."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(RESOURCES / "schemas", target / "schemas")
    (target / "content").mkdir()
    shutil.copy2(SAMPLE / "content" / "organisation.yaml", target / "content")
    shutil.copytree(RESOURCES / "templates" / "word", target / "templates" / "word")
    folder = target / "content" / "documents" / "procedures"
    folder.mkdir(parents=True)
    for doc_id, title in (documents or {"CEMS-QP-04": "文件和记录控制程序"}).items():
        text = FRONT.format(id=doc_id, title=title, status="effective") + BODY
        (folder / f"{doc_id}-{title}.md").write_text(text, encoding="utf-8")
    (folder / "flow.png").write_bytes(tiny_png())
    return target


def load_model(root: Path) -> Model:
    from generator.content.project import load_project
    from generator.core.config import Config

    project = load_project(Config.for_root(root))
    assert project.model is not None, [i.format() for i in project.issues]
    return project.model

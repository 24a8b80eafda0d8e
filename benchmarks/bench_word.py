"""Time `render_word` on a synthetic 300-document repository (cold, then from the cache).

Run: python benchmarks/bench_word.py [--documents 300] [--jobs 2]
Each document has ~30 paragraphs, nested lists and a table, like the field-notes benchmark.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from generator.content.project import load_project
from generator.control.types import (
    MEANING_APPROVE,
    MEANING_AUTHOR,
    Change,
    DocumentControl,
    History,
    Release,
    Revision,
    Signature,
)
from generator.core.config import Config

REPO = Path(__file__).resolve().parent.parent
FRONT = """---
id: CEMS-WI-{n:03d}
title: 作业指导书{n:03d}
kind: instruction
edition: A
clauses: ["8.1"]
owner: production
author: ma-chao
reviewer: lin-hui
approver: zhou-jianguo
status: effective
review_interval_months: 12
distribution: [production, facilities, energy-env]
---
"""


def body(n: int) -> str:
    parts = []
    for section in range(1, 6):
        parts.append(f"## {section} 第 {section} 节\n")
        for k in range(4):
            parts.append(
                f"第 {n} 号文件第 {section}.{k} 段：窑炉升温曲线按工艺卡执行，"
                "**天然气**消耗按班次抄表记录，异常时立即报告动力站。\n"
            )
        parts.append("1. 检查仪表。\n2. 记录读数。\n   - 早班\n   - 夜班\n")
    parts.append(
        "| 参数 | 值 | 单位 |\n|---|---|---|\n"
        + "".join(f"| 参数{i} | {i * 10} | ℃ |\n" for i in range(8))
    )
    return "\n".join(parts)


def make_repo(target: Path, count: int) -> Path:
    shutil.copytree(REPO / "generator" / "resources" / "schemas", target / "schemas")
    (target / "content" / "documents" / "instructions").mkdir(parents=True)
    shutil.copy2(
        REPO / "generator" / "resources" / "sample" / "content" / "organisation.yaml",
        target / "content",
    )
    shutil.copytree(
        REPO / "generator" / "resources" / "templates" / "word", target / "templates" / "word"
    )
    for n in range(1, count + 1):
        path = (
            target
            / "content"
            / "documents"
            / "instructions"
            / f"CEMS-WI-{n:03d}-作业指导书{n:03d}.md"
        )
        path.write_text(FRONT.format(n=n) + body(n), encoding="utf-8")
    return target


def history(model: object) -> History:
    when = "2025-01-10T10:00:00+08:00"
    approver = Signature("周建国", "zhou.jianguo@yanling-ceramics.example", when, MEANING_APPROVE)
    release = Release("release/2025.1", "2025.1", "a" * 40, when, "2025-01-15", approver, "")
    author = Signature("马超", "ma.chao@yanling-ceramics.example", when, MEANING_AUTHOR)
    controls = {}
    for d in model.documents:  # type: ignore[attr-defined]
        change = Change("b" * 40, when, "首次编制", author)
        revision = Revision(d.id, "A", 0, release, d.path, "0" * 64, "effective", (change,))
        controls[d.id] = DocumentControl(d.id, (revision,), revision, draft=False)
    return History("a" * 40, (release,), controls)


def main() -> None:
    from generator.render.word.copy import render_word

    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_repo(Path(tmp) / "org", args.documents)
        config = Config.for_root(root)
        project = load_project(config)
        assert project.model is not None, [i.format() for i in project.issues]
        hist = history(project.model)
        out = Path(tmp) / "out"
        for label in ("cold", "cached"):
            start = time.perf_counter()
            files = render_word(project.model, hist, config, out, jobs=args.jobs)
            elapsed = time.perf_counter() - start
            print(f"{label}: {len(files)} documents, jobs={args.jobs}: {elapsed:.1f} s")


if __name__ == "__main__":
    main()

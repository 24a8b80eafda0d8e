"""A synthetic cems repository with real ledger releases, shared by the build benchmark.

The working tree is the sample organisation grown to N documents (`bench_site.synthetic_repository`),
each generated document padded to a page-sized body (headings, ~30 paragraphs, a table), plus a
meter-readings CSV of M extra rows. The git history is written with `git fast-import` (the
stream helpers of `bench_history`): commit 1 adds the whole tree, every later commit edits one
generated document (author and `Reviewed-by:` reviewer are different people on the roster), and
every commits/releases commits an approver tags `release/N`. The tags are made in a second
fast-import pass, once the commit ids are known, so each message carries the ledger line
`Previous-Release: TAG COMMIT` exactly as `cems release` writes it, with `Effective-Date:` the
tag's own (local) date.
"""

from __future__ import annotations

import csv
import io
import os
import random
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench_history import APPROVER, PEOPLE, _data, _file
from bench_site import synthetic_repository

RESOURCES = Path(__file__).resolve().parent.parent / "generator" / "resources"
SAMPLE = RESOURCES / "sample"
GENERATED = "content/documents/instructions"
TZ = timezone(timedelta(hours=8))
START = datetime(2026, 2, 1, 8, 0, tzinfo=TZ)  # after the sample's last record
STEP = timedelta(hours=1, minutes=30)


def _page_body(n: int) -> str:
    """A page-sized section appended to a generated document: paragraphs and a table."""
    lines = ["", "## 9 作业要点", ""]
    for p in range(24):
        lines += [
            f"{p + 1}. 第 {p + 1} 项要点：按本指导书第 {n} 号的规定抄表、核对并记录数据，"
            "发现异常时立即报告能源环保部，并在当班记录中注明原因和处理结果。",
            "",
        ]
    lines += ["## 10 记录", "", "| 记录名称 | 保存部门 | 保存期限 |", "| --- | --- | --- |"]
    lines += [f"| 作业记录 {r} | 设备动力部 | 3 年 |" for r in range(1, 7)]
    return "\n".join(lines) + "\n"


def _readings(rows: int) -> str:
    """`rows` extra monthly readings, spread over the sample's sources and months (2024-2025),
    each a small sub-meter quantity with the source's own unit and meter."""
    pattern: list[dict[str, str]] = []
    for year in ("2024", "2025"):
        with (SAMPLE / "records" / "meter-readings" / f"{year}.csv").open(encoding="utf-8") as f:
            pattern += list(csv.DictReader(f))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["month", "source", "quantity", "unit", "meter", "recorded_by"])
    for i in range(rows):
        base = pattern[i % len(pattern)]
        writer.writerow(
            [
                base["month"],
                base["source"],
                "0.01",
                base["unit"],
                base["meter"],
                base["recorded_by"],
            ]
        )
    return out.getvalue()


def write_tree(target: Path, documents: int, rows: int) -> list[str]:
    """The working tree of commit 1; returns the generated documents' paths (relative)."""
    target.mkdir(parents=True)
    synthetic_repository(RESOURCES, target, documents)
    generated = sorted((target / GENERATED).glob("CEMS-WI-B*.md"))
    for n, path in enumerate(generated):
        path.write_text(path.read_text(encoding="utf-8") + _page_body(n), encoding="utf-8")
    bench = target / "records" / "meter-readings" / "bench.csv"
    bench.write_text(_readings(rows), encoding="utf-8")
    return [p.relative_to(target).as_posix() for p in generated]


def _when(c: int) -> datetime:
    return START + c * STEP


def _stamp(when: datetime) -> str:
    return f"{int(when.timestamp())} +0800"


def commit_stream(tree: Path, edited: list[str], commits: int) -> bytes:
    """All commits on refs/heads/main, marks :1..:commits."""
    rng = random.Random(7)
    texts = {p: (tree / p).read_text(encoding="utf-8") for p in edited}
    out = bytearray()
    for c in range(commits):
        name, email = PEOPLE[c % len(PEOPLE)]
        reviewer = PEOPLE[(c + 1) % len(PEOPLE)]
        subject = "建立体系文件" if c == 0 else f"修订作业指导书（第 {c} 次）"
        message = f"{subject}\n\nReviewed-by: {reviewer[0]} <{reviewer[1]}>\n"
        out += b"commit refs/heads/main\nmark :%d\n" % (c + 1)
        ident = f"{name} <{email}> {_stamp(_when(c))}"
        out += f"author {ident}\ncommitter {ident}\n".encode()
        out += _data(message)
        if c == 0:
            for path in sorted(p for p in tree.rglob("*") if p.is_file()):
                rel = path.relative_to(tree).as_posix()
                raw = path.read_bytes()  # templates include binary files (reference.docx)
                out += f"M 100644 inline {rel}\n".encode() + b"data %d\n" % len(raw) + raw + b"\n"
        else:
            out += b"from :%d\n" % c
            path = rng.choice(edited)
            texts[path] += f"\n第 {c} 次修订补充的要求：记录须在当班结束前填写完毕。\n"
            out += _file(path, texts[path])
        out += b"\n"
    return bytes(out)


def tag_stream(marks: dict[int, str], commits: int, releases: int) -> bytes:
    """Annotated ledger releases release/1..N by the approver, each naming the one before."""
    out = bytearray()
    every = max(1, commits // max(1, releases))
    previous = "none"
    for number in range(1, releases + 1):
        mark = min(commits, number * every)
        when = _when(mark - 1) + timedelta(minutes=20)
        commit = marks[mark]
        message = (
            f"发布 {number}\n\nEffective-Date: {when.date().isoformat()}\n"
            f"Previous-Release: {previous}\n"
        )
        out += f"tag release/{number}\nfrom {commit}\n".encode()
        out += f"tagger {APPROVER[0]} <{APPROVER[1]}> {_stamp(when)}\n".encode()
        out += _data(message)
        previous = f"release/{number} {commit}"
    return bytes(out)


def git_env() -> dict[str, str]:
    return {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def make_repository(target: Path, documents: int, commits: int, releases: int, rows: int) -> None:
    """The synthetic repository at `target` (a git work tree checked out on main)."""
    with tempfile.TemporaryDirectory(prefix="cems-synth-") as tmp:
        tree = Path(tmp) / "tree"
        edited = write_tree(tree, documents, rows)
        env = git_env()
        git = ["git", "-c", "core.quotepath=false"]
        subprocess.run([*git, "init", "-q", "-b", "main", str(target)], check=True, env=env)
        marks_file = Path(tmp) / "marks"
        stream = commit_stream(tree, edited, commits)
        subprocess.run(
            [*git, "fast-import", "--quiet", f"--export-marks={marks_file}"],
            cwd=target,
            input=stream,
            check=True,
            env=env,
        )
        marks = {}
        for line in marks_file.read_text(encoding="ascii").splitlines():
            mark, sha = line.split()
            marks[int(mark.lstrip(":"))] = sha
        tags = tag_stream(marks, commits, releases)
        subprocess.run(
            [*git, "fast-import", "--quiet"], cwd=target, input=tags, check=True, env=env
        )
        subprocess.run([*git, "checkout", "-q", "-f", "main"], cwd=target, check=True, env=env)
        for key, value in (("user.name", APPROVER[0]), ("user.email", APPROVER[1])):
            subprocess.run([*git, "config", key, value], cwd=target, check=True, env=env)

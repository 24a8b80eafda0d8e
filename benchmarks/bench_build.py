"""Benchmark: the whole of cems on a large synthetic repository, against the bare floors.

Builds the repository of `synthetic.py` (N documents, M extra meter-reading rows, C commits, R
ledger releases made the way `cems release` makes them), then times in one run:

- cold `cems build`, no-change rebuild, rebuild after editing one document (the CLI as a
  subprocess, `python -m generator build`, so start-up and imports count as a user sees them);
- `cems validate`, `cems check`, `cems carbon` (CLI subprocesses), after the build, as a user
  runs them (the repository's local cache in `.git/cems` holds what the build parsed);
- `read_history` of all documents (in-process: the library call), once before anything ran
  (no local cache: git is read) and once after the build (the local history cache);
- peak memory: ru_maxrss of the cold build subprocess (RUSAGE_CHILDREN right after it);
- the package is byte-compiled first (`compileall`), as pip does when it installs the wheel:
  an editable checkout under PYTHONDONTWRITEBYTECODE compiles ~200 modules in every command;
- the floors for the same content: python-docx writing one comparable document per document
  (headings, ~30 paragraphs, a table, header/footer) with a 2-worker process pool, and a plain
  `mkdocs build` (subprocess) of the site-src the cold build generated.

Run: python benchmarks/bench_build.py [--documents 300] [--commits 3000] [--releases 50]
     [--rows 50000] [--quick] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import GENERATED, make_repository

from generator.content.project import load_project
from generator.control.revisions import read_history
from generator.core.config import Config

ROOT = Path(__file__).resolve().parent.parent
GIB = 1024**3


@dataclass
class Row:
    name: str
    seconds: float | None
    target: str
    met: bool | None


def cli(*args: str) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args], env=env, capture_output=True, check=False
    )
    return time.perf_counter() - started, done


def build(root: Path, out: Path) -> float:
    seconds, done = cli("build", "--root", str(root), "--out", str(out))
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode("utf-8", "replace")[-4000:])
        raise SystemExit(f"cems build failed with exit {done.returncode}")
    return seconds


def _floor_document(args: tuple[int, str]) -> int:
    """One python-docx document comparable to a controlled copy; returns its size."""
    import docx  # python-docx, the library the Word copies are written with

    n, folder = args
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = f"北京燕岭精密陶瓷有限公司 受控文件 CEMS-WI-B{n:03d}"
    section.footer.paragraphs[0].text = "第 1 页 共 1 页  修订 A/1"
    document.add_heading(f"合成作业指导书{n:03d}", level=0)
    for h in range(8):
        document.add_heading(f"{h + 1} 章节", level=1)
        for p in range(4):
            document.add_paragraph(
                f"第 {h + 1}.{p + 1} 条：按本指导书的规定抄表、核对并记录数据，发现异常时立即"
                "报告能源环保部，并在当班记录中注明原因和处理结果。"
            )
    table = document.add_table(rows=7, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = ("记录名称", "保存部门", "保存期限")[c] if r == 0 else f"{r}-{c}"
    path = Path(folder) / f"doc-{n:04d}.docx"
    document.save(str(path))
    return path.stat().st_size


def docx_floor(documents: int, folder: Path) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_floor_document, [(n, str(folder)) for n in range(documents)]))
    return time.perf_counter() - started


def mkdocs_floor(site_src: Path, tmp: Path) -> float:
    copy = tmp / "site-src"
    shutil.copytree(site_src, copy)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(copy / "mkdocs.yml")],
        cwd=copy,
        check=True,
    )
    return time.perf_counter() - started


def history_seconds(root: Path, releases: int) -> float:
    config = Config.for_root(root)
    project = load_project(config)
    assert project.model is not None, project.issues[:3]
    started = time.perf_counter()
    history, issues = read_history(config, project.model)
    seconds = time.perf_counter() - started
    errors = [i for i in issues if i.severity.value == "error"]
    if len(history.releases) != releases or errors:
        raise SystemExit(
            f"read_history: {len(history.releases)} releases (expected {releases}), errors: "
            + "; ".join(i.format() for i in errors[:3])
        )
    return seconds


def edit_one(root: Path) -> None:
    path = sorted((root / GENERATED).glob("CEMS-WI-B*.md"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n基准测试编辑：增加一条要求。\n", encoding="utf-8")


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        first = meminfo.read_text(encoding="utf-8").splitlines()[0]
        memory = f"{int(first.split()[1]) / 1024**2:.1f} GiB"
    return f"{os.cpu_count()} cores, {model or platform.processor()}, {memory}, {platform.python_version()}"


def run(args: argparse.Namespace, tmp: Path) -> list[Row]:
    root, out = tmp / "repo", tmp / "out"
    started = time.perf_counter()
    make_repository(root, args.documents, args.commits, args.releases, args.rows)
    print(f"synthetic repository: {time.perf_counter() - started:.1f} s", flush=True)
    compile_package = [sys.executable, "-m", "compileall", "-q", "-x", "/resources/"]
    subprocess.run([*compile_package, str(ROOT / "generator")], check=True, capture_output=True)
    first_history = history_seconds(root, args.releases)
    print(f"read_history, no local cache: {first_history:.2f} s", flush=True)
    cold = build(root, out)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # kB on Linux
    print(f"cold build: {cold:.1f} s, peak {peak / 2**20:.0f} MiB", flush=True)
    again = build(root, out)
    print(f"no-change rebuild: {again:.2f} s", flush=True)
    history = history_seconds(root, args.releases)
    print(f"read_history: {history:.2f} s", flush=True)
    validate, done = cli("validate", "--root", str(root))
    assert done.returncode == 0, done.stdout.decode()[-2000:]
    check, _ = cli("check", "--root", str(root))
    carbon, _ = cli("carbon", "--root", str(root))
    print(f"validate {validate:.2f} s, check {check:.2f} s, carbon {carbon:.2f} s", flush=True)
    edit_one(root)
    edited = build(root, out)
    print(f"rebuild after one-document edit: {edited:.2f} s", flush=True)
    word = docx_floor(args.documents, tmp / "floor-docx")
    site = mkdocs_floor(out / "site-src", tmp)
    floor = word + site
    return [
        Row("python-docx floor (2 workers)", word, "", None),
        Row("plain mkdocs build floor", site, "", None),
        Row("cold cems build", cold, f"≤ 1.3 × floors = {1.3 * floor:.1f} s", cold <= 1.3 * floor),
        Row("no-change rebuild", again, "≤ 2 s", again <= 2),
        Row("rebuild after one-document edit", edited, "≤ 5 s", edited <= 5),
        Row("cems validate", validate, "≤ 2 s", validate <= 2),
        Row("read_history, first run (no local cache)", first_history, "", None),
        Row("read_history (all documents)", history, "≤ 0.5 s", history <= 0.5),
        Row("cems check", check, "≤ 2 s", check <= 2),
        Row("cems carbon", carbon, "≤ 2 s", carbon <= 2),
        Row(f"peak memory of cold build: {peak / 2**20:.0f} MiB", None, "≤ 1 GiB", peak <= GIB),
    ]


def table(rows: list[Row]) -> str:
    lines = ["| measurement | seconds | target | result |", "| --- | ---: | --- | --- |"]
    for row in rows:
        seconds = "" if row.seconds is None else f"{row.seconds:.2f}"
        result = "" if row.met is None else ("met" if row.met else "MISSED")
        lines.append(f"| {row.name} | {seconds} | {row.target} | {result} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--releases", type=int, default=50)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--quick", action="store_true", help="60 docs, 300 commits, 5 releases")
    parser.add_argument("--keep", type=Path, help="build in this (new) folder and keep it")
    args = parser.parse_args(argv)
    if args.quick:
        args.documents, args.commits, args.releases, args.rows = 60, 300, 5, 5000
    print(f"machine: {machine()}")
    print(
        f"repository: {args.documents} documents, {args.rows} extra rows, "
        f"{args.commits} commits, {args.releases} releases",
        flush=True,
    )
    if args.keep:
        args.keep.mkdir(parents=True)
        rows = run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="cems-bench-build-") as tmp:
            rows = run(args, Path(tmp))
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

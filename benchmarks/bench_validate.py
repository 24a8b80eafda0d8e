"""Benchmark: load + validate a synthetic large content repository.

Copies the sample organisation, adds N documents (copies of one procedure with new ids) and a
meter-readings CSV of M rows, then times `load_project` (discover, parse, schema, references).
Run: python benchmarks/bench_validate.py [--documents 300] [--rows 50000]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from generator.content.project import load_project
from generator.core.config import Config

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "generator" / "resources"
SAMPLE = RESOURCES / "sample"


def make_repo(target: Path, documents: int, rows: int) -> None:
    for part in ("content", "records"):
        shutil.copytree(SAMPLE / part, target / part)
    for part in ("schemas", "templates"):
        shutil.copytree(RESOURCES / part, target / part)
    source = next((SAMPLE / "content" / "documents" / "procedures").glob("CEMS-QP-04-*.md"))
    text = source.read_text(encoding="utf-8")
    folder = target / "content" / "documents" / "bench"
    folder.mkdir()
    for n in range(documents):
        doc_id = f"CEMS-BX-{n:04d}"
        (folder / f"{doc_id}.md").write_text(text.replace("CEMS-QP-04", doc_id), encoding="utf-8")
    sources = ["S01", "S02", "S03"]
    lines = ["month,source,quantity,unit,meter,recorded_by"]
    for i in range(rows):
        year, month = 2000 + (i // 36) % 100, (i // 3) % 12 + 1
        lines.append(f"{year}-{month:02d},{sources[i % 3]},{100 + i % 50}.5,MWh,M-{i % 7},guo-peng")
    bench = target / "records" / "meter-readings" / "bench.csv"
    bench.parent.mkdir(parents=True, exist_ok=True)
    bench.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "org"
        make_repo(root, args.documents, args.rows)
        start = time.perf_counter()
        project = load_project(Config.for_root(root))
        elapsed = time.perf_counter() - start
        errors = [i for i in project.issues if i.severity.value == "error"]
        print(
            f"validate: {args.documents} extra documents + {args.rows} CSV rows: {elapsed:.2f} s "
            f"({len(project.sources.documents)} documents, {len(errors)} errors)"
        )


if __name__ == "__main__":
    main()

"""Benchmark: site build time for a synthetic 300-document repository.

Compares `render_site` (page generation + in-process strict MkDocs build) with a plain
`mkdocs build` of the same generated Markdown, so the generator's own cost is visible.

    python benchmarks/bench_site.py [--documents 300] [--root generator/resources]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.content.project import load_project, require_model
from generator.control.types import DocumentControl, History
from generator.core.config import Config
from generator.render.site.assemble import render_site


def synthetic_repository(source: Path, target: Path, documents: int) -> None:
    """The sample repository plus generated work instructions up to `documents` documents."""
    parts = [source / "sample" / "content", source / "sample" / "records"]
    parts += [source / part for part in ("schemas", "templates", "mkdocs.yml")]
    for path in parts:
        if path.is_dir():
            shutil.copytree(path, target / path.name)
        elif path.is_file():
            shutil.copy2(path, target / path.name)
    existing = sorted((target / "content" / "documents").rglob("*.md"))
    template = next(p for p in existing if "/procedures/" in p.as_posix())
    text = template.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^related:.*\n", "", text)
    folder = target / "content" / "documents" / "instructions"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(documents - len(existing)):
        doc_id = f"CEMS-WI-B{n:03d}"
        body = re.sub(r"(?m)^id: .*$", f'id: "{doc_id}"', text)
        body = re.sub(r"(?m)^title: .*$", f"title: 合成作业指导书{n:03d}", body)
        body = re.sub(r"(?m)^kind: .*$", "kind: instruction", body)
        (folder / f"{doc_id}-合成作业指导书{n:03d}.md").write_text(body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument(
        "--root", type=Path, default=Path(__file__).resolve().parents[1] / "generator" / "resources"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cems-bench-") as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        synthetic_repository(args.root, root, args.documents)
        config = Config.for_root(root)
        model = require_model(load_project(config))
        history = History("", (), {d.id: DocumentControl(d.id) for d in model.documents})
        out = Path(tmp) / "out"
        start = time.perf_counter()
        issues = render_site(model, history, config, out)
        cems_seconds = time.perf_counter() - start
        if issues:
            print("\n".join(i.format() for i in issues), file=sys.stderr)
            return 1
        shutil.rmtree(out / "site")
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "-q",
                "-f",
                str(out / "site-src" / "mkdocs.yml"),
            ],
            check=True,
        )
        plain_seconds = time.perf_counter() - start
        pages = len(list((out / "site-src" / "docs").rglob("*.md")))
        print(f"documents: {len(model.documents)}, pages: {pages}")
        print(f"cems render_site (generate + strict in-process build): {cems_seconds:.1f} s")
        print(f"plain mkdocs build of the same Markdown (new process):  {plain_seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: document history from git, one log pass versus one query per file.

Builds a synthetic repository with `git fast-import` (the sample organisation's schemas and
organisation file, N documents, C commits that each edit one document, a few renames, and R
annotated release tags), then times `read_history` against the naive approach (GitPython
`iter_commits(paths=f)` once per document), and checks both find the same commits.
Run: python benchmarks/bench_history.py [--documents 300] [--commits 3000] [--releases 50]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from generator.content.project import load_project
from generator.control.revisions import read_history
from generator.core.config import Config

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "generator" / "resources"
SAMPLE = RESOURCES / "sample"
PEOPLE = [
    ("唐雯", "tang.wen@yanling-ceramics.example"),
    ("陈晓宇", "chen.xiaoyu@yanling-ceramics.example"),
    ("林慧", "lin.hui@yanling-ceramics.example"),
]
APPROVER = ("周建国", "zhou.jianguo@yanling-ceramics.example")
START = 1_704_067_200  # 2024-01-01T00:00:00Z


def document(doc_id: str, revision: int) -> str:
    lines = [
        "---",
        f"id: {doc_id}",
        f"title: 基准测试程序 {doc_id}",
        "kind: procedure",
        "edition: A",
        'clauses: ["7.2"]',
        "owner: quality",
        "author: tang-wen",
        "reviewer: lin-hui",
        "approver: zhou-jianguo",
        "status: effective",
        "review_interval_months: 12",
        "distribution: [quality, production]",
        "---",
        "",
        "## 1 目的",
        "",
    ]
    lines += [f"第 {n} 次修订的条款，说明文件受控的要求。" for n in range(revision + 1)]
    return "\n".join(lines) + "\n"


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def _file(path: str, text: str) -> bytes:
    return f"M 100644 inline {path}\n".encode() + _data(text)


def fast_import_stream(documents: int, commits: int, releases: int) -> bytes:
    rng = random.Random(7)
    paths = {
        f"CEMS-BX-{n:04d}": f"content/documents/bench/CEMS-BX-{n:04d}-程序.md"
        for n in range(documents)
    }
    revision = dict.fromkeys(paths, 0)
    out = bytearray()
    every = max(1, commits // releases)
    for c in range(commits):
        when = START + c * 3600
        name, email = PEOPLE[c % len(PEOPLE)]
        reviewer = PEOPLE[(c + 2) % len(PEOPLE)]
        message = f"修订 第 {c} 次\n\nReviewed-by: {reviewer[0]} <{reviewer[1]}>\n"
        out += b"commit refs/heads/main\nmark :%d\n" % (c + 1)
        out += f"author {name} <{email}> {when} +0800\ncommitter {name} <{email}> {when} +0800\n".encode()
        out += _data(message)
        if c == 0:
            for rel in ("content/organisation.yaml",):
                out += _file(rel, (SAMPLE / rel).read_text(encoding="utf-8"))
            for schema in sorted((RESOURCES / "schemas").rglob("*.json")):
                rel = schema.relative_to(RESOURCES).as_posix()
                out += _file(rel, schema.read_text(encoding="utf-8"))
            for doc_id, path in paths.items():
                out += _file(path, document(doc_id, 0))
        else:
            out += b"from :%d\n" % c
            doc_id = rng.choice(sorted(paths))
            if c % 97 == 0:  # now and then a file is renamed as well as edited
                new = paths[doc_id].replace("-程序.md", f"-程序{c}.md")
                out += f'R "{paths[doc_id]}" "{new}"\n'.encode()
                paths[doc_id] = new
            revision[doc_id] += 1
            out += _file(paths[doc_id], document(doc_id, revision[doc_id]))
        out += b"\n"
        if (c + 1) % every == 0 and (c + 1) // every <= releases:
            number = (c + 1) // every
            out += f"tag release/{number}\nfrom :{c + 1}\n".encode()
            out += f"tagger {APPROVER[0]} <{APPROVER[1]}> {when + 60} +0800\n".encode()
            out += _data(f"发布 {number}\n\nEffective-Date: 2024-01-01\n")
    return bytes(out)


def make_repo(target: Path, documents: int, commits: int, releases: int) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    git = ["git", "-c", "core.quotepath=false"]
    subprocess.run([*git, "init", "-q", "-b", "main", str(target)], check=True, env=env)
    stream = fast_import_stream(documents, commits, releases)
    subprocess.run([*git, "fast-import", "--quiet"], cwd=target, input=stream, check=True, env=env)
    subprocess.run([*git, "checkout", "-q", "-f", "main"], cwd=target, check=True, env=env)


def naive(root: Path, model_paths: list[str]) -> dict[str, set[str]]:
    import git  # GitPython, imported here: only the naive approach needs it

    repo = git.Repo(root)
    try:
        return {p: {c.hexsha for c in repo.iter_commits("HEAD", paths=p)} for p in model_paths}
    finally:
        repo.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--releases", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        started = time.perf_counter()
        make_repo(root, args.documents, args.commits, args.releases)
        print(f"synthetic repo: {time.perf_counter() - started:.2f} s (git fast-import)")
        config = Config.for_root(root)
        project = load_project(config)
        assert project.model is not None, project.issues[:3]

        started = time.perf_counter()
        history, issues = read_history(config, project.model)
        ours = time.perf_counter() - started
        assert not issues, issues[:3]
        revisions = sum(len(c.revisions) for c in history.documents.values())
        print(
            f"read_history: {ours:.2f} s  ({len(history.releases)} releases, "
            f"{len(history.documents)} documents, {revisions} revisions)"
        )

        paths = [d.path for d in project.model.documents]
        started = time.perf_counter()
        per_file = naive(root, paths)
        theirs = time.perf_counter() - started
        print(f"naive GitPython iter_commits(paths=f) per document: {theirs:.2f} s")
        print(f"speed-up: {theirs / ours:.0f}x")

        # same answer: every commit the naive walk finds for a released document's current
        # path is in our change lists (ours also follow renames to earlier names)
        found = {
            c.commit
            for control in history.documents.values()
            for r in control.revisions
            for c in r.changes
        } | {c.commit for control in history.documents.values() for c in control.draft_changes}
        missing = set().union(*per_file.values()) - found
        print(f"commits the naive walk found that read_history did not: {len(missing)}")
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

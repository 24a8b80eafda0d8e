"""Demo stage: the sample organisation written into a new git repository with a scripted history.

The script (`generator/data/demo-history.yaml`) is data: dates, authors, reviewers, messages
and document operations. Releases go through `create_release`, the same code path as
`cems release`, so the demo's tags are exactly what a real organisation would get.
Git runs with the scripted identities and dates in its environment and without the user's
global or system configuration, so the result is the same on every machine.

Earlier texts are the sample's own text with scripted changes undone (a section not yet
written, a passage worded differently, an earlier edition letter), so every revision the demo
releases ends exactly at the sample's file. CSV records grow month by month (`rows`). When the
history is written, the demo runs `cems check` on it and reports the overdue reviews it shows.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.content.load import YamlProblem, parse_yaml, read_text, split_front_matter
from generator.core.config import Config
from generator.core.dates import parse_day
from generator.core.issues import CemsError
from generator.core.resources import data_path, resource_path, sample_path
from generator.git.client import Git
from generator.ops.check import run_check
from generator.ops.demo_texts import undo_change
from generator.ops.release import create_release

# The demo repository carries its own copy of the schemas, templates and mkdocs.yml.
SAMPLE_PARTS = ("content", "records")
PRODUCT_PARTS = ("schemas", "templates", "mkdocs.yml")
GITIGNORE = "build/\nbuild.partial/\nbuild.old/\n__pycache__/\n"
SCRIPT = data_path("demo-history.yaml")


@dataclass(frozen=True)
class SampleDoc:
    id: str
    kind: str
    title: str
    path: str  # repository-relative


@dataclass
class DemoResult:
    target: Path
    commits: int = 0
    releases: list[str] = field(default_factory=list)
    draft_documents: list[str] = field(default_factory=list)
    overdue_reviews: list[str] = field(default_factory=list)  # what `cems check` reports


def sample_root() -> Path:
    """The sample organisation shipped with the package."""
    return sample_path()


def _load_yaml(path: Path) -> Any:
    try:
        return parse_yaml(read_text(path))[0]
    except YamlProblem as problem:
        raise CemsError(f"{path.name}:{problem.line}: {problem.message}") from None


def _sample_files(source: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {".gitignore": GITIGNORE.encode()}
    parts = [(source, part) for part in SAMPLE_PARTS]
    parts += [(resource_path(), part) for part in PRODUCT_PARTS]
    for folder, part in parts:
        base = folder / part
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in paths:
            rel = path.relative_to(folder).as_posix()
            if "__pycache__" not in rel and not path.name.startswith("."):
                files[rel] = path.read_bytes()
    return files


def _sample_documents(files: dict[str, bytes]) -> list[SampleDoc]:
    docs = []
    for rel, data in sorted(files.items()):
        if not (rel.startswith("content/documents/") and rel.endswith(".md")):
            continue
        front, _body, _line = split_front_matter(data.decode("utf-8-sig"))
        try:
            meta = parse_yaml(front)[0] if front else None
        except YamlProblem:
            meta = None
        if isinstance(meta, dict) and meta.get("id"):
            docs.append(SampleDoc(meta["id"], meta.get("kind", ""), meta.get("title", ""), rel))
    return docs


class _Demo:
    def __init__(self, target: Path, source: Path, script: dict[str, Any]) -> None:
        self.target = target
        self.files = _sample_files(source)
        self.docs = _sample_documents(self.files)
        self.written: set[str] = set()
        self.timezone = str(script.get("timezone", "+08:00"))
        self.steps = list(script.get("steps") or [])
        org = _load_yaml(source / "content" / "organisation.yaml")
        self.people = {p["id"]: (p["name"], p.get("email", "")) for p in org["people"]}
        self.chosen: dict[tuple[str, str], SampleDoc] = {}
        self.extra_specs = {str(e["key"]): e for e in script.get("extra_documents") or []}
        self.extra: dict[str, SampleDoc] = {}  # key -> a document the demo adds
        self.renamed: dict[str, str] = {}  # document id -> its earlier path
        self.pending: dict[str, list[dict[str, Any]]] = {}  # id -> changes not yet made
        self.partial: set[str] = set()  # CSV records written up to some month only
        self.env = {
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
        }
        self.result = DemoResult(target)
        self._last_date = date.min  # the day of the latest commit written

    # -- helpers ------------------------------------------------------------------------

    def person(self, person_id: str) -> tuple[str, str]:
        if person_id not in self.people:
            raise CemsError(f"演示脚本中的人员 '{person_id}' 不在 organisation.yaml 中")
        return self.people[person_id]

    def identity_env(self, person_id: str, date: str, author: bool) -> dict[str, str]:
        name, email = self.person(person_id)
        when = f"{date}{self.timezone}"
        env = {"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
        env["GIT_COMMITTER_DATE"] = when
        if author:
            env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=when)
        return {**self.env, **env}

    def git(self, person_id: str, date: str, *args: str) -> str:
        name, email = self.person(person_id)
        identity = ("-c", f"user.name={name}", "-c", f"user.email={email}")
        git = Git(self.target, self.identity_env(person_id, date, author=True))
        return git.run(*identity, "-c", "commit.gpgsign=false", *args)

    def select(self, spec: dict[str, Any]) -> SampleDoc:
        """The document `spec` names: its id, else the last unused document of its kind."""
        if spec.get("extra"):
            return self.extra[str(spec["extra"])]
        key = (str(spec.get("document", "")), str(spec.get("kind", "")))
        if key in self.chosen:
            return self.chosen[key]
        by_id = next((d for d in self.docs if d.id == key[0]), None)
        used = {d.id for d in self.chosen.values()}
        if by_id is None or by_id.id in used:
            candidates = [d for d in self.docs if d.kind == key[1] and d.id not in used]
            if not candidates:
                raise CemsError(f"示例中没有可用于演示的文件 {key[0]}（{key[1]}）")
            by_id = candidates[-1]
        self.chosen[key] = by_id
        return by_id

    def path(self, rel: str) -> Path:
        return self.target / rel

    def text(self, doc: SampleDoc) -> str:
        return self.path(self.renamed.get(doc.id, doc.path)).read_text(encoding="utf-8")

    def write(self, doc: SampleDoc, text: str) -> None:
        # newline="" keeps "\n" on Windows too: the same bytes give the same commit hashes
        self.path(self.renamed.get(doc.id, doc.path)).write_text(text, "utf-8", newline="")

    # -- operations ---------------------------------------------------------------------

    def include(self, patterns: list[str]) -> None:
        for rel, data in self.files.items():
            if rel not in self.written | self.partial and any(
                fnmatch.fnmatchcase(rel, p) for p in patterns
            ):
                target = self.path(rel)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                self.written.add(rel)

    def staged_text(self, doc: SampleDoc) -> str:
        """The sample text with the document's pending changes undone (its earlier text)."""
        text = self.files[doc.path].decode("utf-8")
        for change in self.pending.get(doc.id, ()):
            text = undo_change(text, change, doc.path)
        return text

    def op_earlier(self, spec: dict[str, Any]) -> None:
        doc = self.select(spec)
        changes = list(spec.get("changes") or [{"key": "", "last_section": True}])
        self.pending.setdefault(doc.id, []).extend(changes)
        self.write(doc, self.staged_text(doc))

    def op_restore(self, spec: dict[str, Any]) -> None:
        """Make pending changes (`keys`), or all of them: the sample text comes back."""
        doc = self.select(spec)
        pending = self.pending.get(doc.id, [])
        keys = spec.get("keys")
        if keys is not None:
            unknown = set(keys) - {c.get("key") for c in pending}
            if unknown:
                raise CemsError(f"演示脚本中 {doc.id} 没有待修订的变更: {sorted(unknown)}")
        self.pending[doc.id] = [c for c in pending if keys is not None and c.get("key") not in keys]
        self.write(doc, self.staged_text(doc))

    def op_rename(self, spec: dict[str, Any]) -> None:
        doc = self.select(spec)
        folder = doc.path.rsplit("/", 1)[0]
        old = f"{folder}/{doc.title}.md"
        self.path(doc.path).rename(self.path(old))
        self.renamed[doc.id] = old

    def op_move(self, spec: dict[str, Any], who: str, date: str) -> None:
        doc = self.select(spec)
        old = self.renamed.pop(doc.id)
        self.git(who, date, "mv", old, doc.path)

    def op_withdraw(self, spec: dict[str, Any]) -> None:
        doc = self.select(spec)
        reason = str(spec.get("reason", "")).strip() or "不再适用"
        text, count = re.subn(
            r"^status:.*$",
            f"status: obsolete\nwithdrawal_reason: {reason}",
            self.text(doc),
            count=1,
            flags=re.M,
        )
        if not count:
            raise CemsError(f"{doc.path} 的文件头没有 status 字段")
        self.write(doc, text)

    def op_add(self, key: str) -> None:
        """Write one of the script's `extra_documents` under the next free id of its kind."""
        spec = self.extra_specs[key]
        same_kind = [d.id for d in self.docs if d.kind == spec["kind"]]
        numbered = [m for m in (re.match(r"^(.*?)(\d+)$", i) for i in same_kind) if m]
        prefix = numbered[0].group(1) if numbered else str(spec["id_prefix"])
        width = len(numbered[0].group(2)) if numbered else 2
        number = max((int(m.group(2)) for m in numbered), default=0) + 1
        doc_id = f"{prefix}{number:0{width}d}"
        folder = str(spec["folder"])
        doc = SampleDoc(
            doc_id, str(spec["kind"]), str(spec["title"]), f"{folder}/{doc_id}-{spec['title']}.md"
        )
        front = [f"id: {doc_id}", f"title: {doc.title}", f"kind: {doc.kind}", "edition: A"]
        front += [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in spec["front"].items()]
        text = "---\n" + "\n".join(front) + "\n---\n\n" + str(spec["body"]).strip() + "\n"
        self.path(doc.path).parent.mkdir(parents=True, exist_ok=True)
        self.path(doc.path).write_text(text, "utf-8", newline="")
        self.extra[key] = doc

    def op_rows(self, spec: dict[str, Any]) -> None:
        """A CSV record as far as month `until`: readings are committed as the months go by."""
        rel, until = str(spec["file"]), str(spec["until"])
        if rel not in self.files:
            raise CemsError(f"演示脚本中的记录 {rel} 不在示例中")
        header, *rows = self.files[rel].decode("utf-8").splitlines(keepends=True)
        kept = [row for row in rows if row.split(",", 1)[0].strip() <= until]
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(header + "".join(kept), "utf-8", newline="")
        if len(kept) == len(rows):
            self.partial.discard(rel)
            self.written.add(rel)
        else:
            self.partial.add(rel)

    def op_append(self, spec: dict[str, Any]) -> None:
        doc = self.select(spec)
        self.write(doc, self.text(doc).rstrip("\n") + "\n\n" + str(spec["text"]).strip() + "\n")
        self.result.draft_documents.append(doc.id)

    # -- steps --------------------------------------------------------------------------

    def run(self) -> DemoResult:
        Git(self.target, self.env).run("init", "-q", "-b", "main")
        # LF in the repository and in every checkout: hashes of released texts stay stable
        (self.target / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")
        for step in self.steps:
            if "commit" in step:
                self._commit(step["commit"])
            elif "release" in step:
                self._release(step["release"])
            else:
                raise CemsError(f"演示脚本的步骤无法识别: {sorted(step)}")
        missing = sorted(set(self.files) - self.written)
        if missing:
            raise CemsError("演示脚本没有写入这些示例文件: " + "、".join(missing[:5]))
        # the demo's story is told as of its last commit, not the real date
        last = self._last_date if self._last_date > date.min else None
        checked = run_check(Config.for_root(self.target), last)
        self.result.overdue_reviews = sorted(c.document_id for c in checked.overdue)
        return self.result

    def _commit(self, step: dict[str, Any]) -> None:
        who, when = str(step["author"]), str(step["date"])
        self._last_date = max(self._last_date, parse_day(when) or date.min)
        self.include([str(p) for p in step.get("include", ())])
        for key in step.get("add", ()):
            self.op_add(str(key))
        for spec in step.get("rows", ()):
            self.op_rows(spec)
        for name in ("earlier", "restore", "rename", "withdraw", "append"):
            for spec in step.get(name, ()):
                getattr(self, f"op_{name}")(spec)
        for spec in step.get("move", ()):
            self.op_move(spec, who, when)
        trailers = "".join(
            "\nReviewed-by: {} <{}>".format(*self.person(r)) for r in step.get("reviewers", ())
        )
        message = str(step["message"]).strip() + ("\n" + trailers if trailers else "") + "\n"
        self.git(who, when, "add", "-A")
        name, email = self.person(who)
        git = Git(self.target, self.identity_env(who, when, author=True))
        git.run_bytes(
            "-c", f"user.name={name}", "-c", f"user.email={email}", "-c", "commit.gpgsign=false",
            "commit", "-q", "--allow-empty", "--cleanup=strip", "-F", "-",
            stdin=message.encode("utf-8"),
        )  # fmt: skip
        self.result.commits += 1

    def _release(self, step: dict[str, Any]) -> None:
        env = self.identity_env(str(step["tagger"]), str(step["date"]), author=False)
        released = create_release(
            Config.for_root(self.target),
            str(step["version"]),
            effective_date=parse_day(step.get("effective")),
            message=str(step.get("message", "")) or None,
            env=env,
        )
        self.result.releases.append(released.release.tag)


GITATTRIBUTES = "* text=auto eol=lf\n"


def create_demo(target: Path, source: Path | None = None, script: Path | None = None) -> DemoResult:
    """Write the sample organisation with its scripted history into a new repository `target`."""
    source = source or sample_root()
    if not (source / "content" / "organisation.yaml").is_file():
        raise CemsError(f"找不到示例单位 (sample organisation not found): {source}")
    target = Path(target).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CemsError(f"目标目录已存在且不为空 (target exists and is not empty): {target}")
    data = _load_yaml(script or SCRIPT)
    existed = target.exists()
    target.mkdir(parents=True, exist_ok=True)
    try:
        return _Demo(target, source, data).run()
    except BaseException:
        # never leave a half-written demo behind (an empty folder the user made stays)
        shutil.rmtree(target, ignore_errors=True)
        if existed:
            target.mkdir()
        raise

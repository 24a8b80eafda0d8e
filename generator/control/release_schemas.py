"""Every release's documents validated against the schemas of that release commit.

`cems release` refuses a commit whose content fails validation, but a tag made by hand (or a
schema changed since) could put a document whose front matter breaks its schema into a
release; copies and `cems verify` would then disagree with `cems check`. Here each release's
documents are read from git and their front matter checked against the document schema of
the release commit (its own `schemas/`, else the ones shipped with cems), by the validation of
`content/`. An invalid one is an ERROR naming the release, the file and the field.

One `git cat-file --batch-check` gives the documents folder's and the schemas folder's tree ids
at every release; a pair seen before costs nothing, and a blob is validated once per schema
set (by blob id), so only what a release changed is read again. The results are kept in
`.git/cems/release-validation.json`, keyed by those content hashes plus the cems version and
its shipped schemas, so they can never go stale and a later run costs one git call.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import replace
from pathlib import Path

from generator import __version__
from generator.content.load import markdown_source
from generator.content.schemas import SchemaSet, load_schemas
from generator.content.validate import validate_documents_alone
from generator.control.types import Release
from generator.core.issues import CemsError, Issue, Severity
from generator.core.resources import resource_path
from generator.git.client import Git

DOCUMENTS = "content/documents"
SCHEMAS = "schemas"
SHIPPED = "cems"  # the schemas key of a release commit without its own schemas/
CODE = "HISTORY-RELEASE-INVALID"
_HINT = "发布的提交必须通过 cems validate；修正后用 cems release 发布新版本（不要手工打发布标签）。"
# (schemas tree, blob, path) -> issues; blobs and trees are content-addressed, so entries
# never go stale
_VALIDATED: dict[tuple[str, str, str], tuple[Issue, ...]] = {}
_SCHEMAS: dict[str, SchemaSet | Issue] = {}
_PARSE_CODES = {"YAML-PARSE", "FRONT-MATTER-MISSING"}  # HISTORY-FRONT-MATTER reports those
CACHE_FILE = Path("cems") / "release-validation.json"
_FINGERPRINT = ""


Failing = dict[str, list[Issue]]  # "schemas blob path" -> the schema issues of that file


def released_schema_issues(git: Git, prefix: str, releases: list[Release]) -> list[Issue]:
    """ERRORs for released documents whose front matter fails their release's schemas, each
    reported once, at the first release that contains it."""
    names = {
        r.tag: (f"{r.commit}:{prefix}{DOCUMENTS}", f"{r.commit}:{prefix}{SCHEMAS}")
        for r in releases
    }
    trees = git.object_ids(name for pair in names.values() for name in pair)
    cache_path = _cache_path(git)
    cache = _read_cache(cache_path)
    fresh: dict[str, Failing] = {}
    reported: set[str] = set()
    issues: list[Issue] = []
    for release in releases:
        docs_name, schemas_name = names[release.tag]
        docs, schemas_key = trees.get(docs_name, ""), trees.get(schemas_name, SHIPPED)
        key = f"{docs} {schemas_key} {_shipped_fingerprint()}"
        if not docs or key in fresh:
            continue
        failing = cache.get(key)
        if failing is None:
            schemas = _schemas_at(git, prefix, release, schemas_key)
            if isinstance(schemas, Issue):
                issues.append(schemas)
                continue
            failing = _validate_tree(git, prefix, release, schemas_key, schemas)
        fresh[key] = failing
        for blob_key, found in failing.items():
            if blob_key not in reported:
                reported.add(blob_key)
                issues += [_as_release_issue(i, release) for i in found]
    if cache_path is not None and fresh.keys() - cache.keys():
        _write_cache(cache_path, fresh)
    return issues


def _shipped_fingerprint() -> str:
    """The cems version and its shipped schemas: what a cached result also depends on."""
    global _FINGERPRINT
    if not _FINGERPRINT:
        digest = hashlib.sha256(__version__.encode("utf-8"))
        shipped = resource_path(SCHEMAS)
        for path in sorted(shipped.rglob("*.json")):
            digest.update(path.relative_to(shipped).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
        _FINGERPRINT = digest.hexdigest()[:16]
    return _FINGERPRINT


def _cache_path(git: Git) -> Path | None:
    folder = git.common_dir()
    return folder / CACHE_FILE if folder is not None else None


def _read_cache(path: Path | None) -> dict[str, Failing]:
    """The cached results; anything unreadable is simply validated again."""
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
        return {
            key: {
                blob: [
                    replace(Issue(**item), severity=Severity(item["severity"])) for item in found
                ]
                for blob, found in failing.items()
            }
            for key, failing in data.items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _write_cache(path: Path, results: dict[str, Failing]) -> None:
    data = {
        key: {blob: [i.to_dict() for i in found] for blob, found in failing.items()}
        for key, failing in results.items()
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass  # a cache: the next run validates again


def _validate_tree(
    git: Git, prefix: str, release: Release, schemas_key: str, schemas: SchemaSet
) -> Failing:
    """The schema issues of every failing document file at the release commit."""
    entries = [
        (path.removeprefix(prefix), sha)
        for path, sha in git.ls_tree(release.commit, prefix + DOCUMENTS)
        if path.lower().endswith(".md") and not path.rsplit("/", 1)[-1].startswith(".")
    ]
    missing = [(rel, sha) for rel, sha in entries if (schemas_key, sha, rel) not in _VALIDATED]
    blobs = git.cat_blobs(sha for _rel, sha in missing)
    sources = [markdown_source(rel, blobs[sha]) for rel, sha in missing]
    found = validate_documents_alone(sources, schemas)  # one validator for them all
    for rel, sha in missing:
        kept = tuple(i for i in found if i.file == rel and i.code not in _PARSE_CODES)
        _VALIDATED[(schemas_key, sha, rel)] = kept
    return {
        f"{schemas_key} {sha} {rel}": list(_VALIDATED[(schemas_key, sha, rel)])
        for rel, sha in entries
        if _VALIDATED[(schemas_key, sha, rel)]
    }


def _schemas_at(git: Git, prefix: str, release: Release, key: str) -> SchemaSet | Issue:
    """The schema set of a release commit (its own schemas/ over the shipped ones)."""
    if key in _SCHEMAS:
        return _SCHEMAS[key]
    try:
        if key == SHIPPED:
            loaded: SchemaSet | Issue = load_schemas(resource_path("schemas"), git.cwd)
        else:
            entries = git.ls_tree(release.commit, prefix + SCHEMAS)
            blobs = git.cat_blobs(sha for _path, sha in entries)
            with tempfile.TemporaryDirectory(prefix="cems-schemas-") as tmp:
                folder = Path(tmp) / SCHEMAS
                for path, sha in entries:
                    target = folder / path.removeprefix(prefix + SCHEMAS + "/")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(blobs[sha])
                folder.mkdir(exist_ok=True)
                loaded = load_schemas(folder, Path(tmp))
    except CemsError as error:
        loaded = Issue(
            "git",
            None,
            "",
            f"{release.tag} 的 schema 无法读取，无法校验该发布的文件 (cannot read the release's "
            f"schemas): {error.message}",
            severity=Severity.ERROR,
            code=CODE,
            hint=_HINT,
        )
    _SCHEMAS[key] = loaded
    return loaded


def _as_release_issue(issue: Issue, release: Release) -> Issue:
    field = f"，字段 {issue.field}" if issue.field else ""
    return replace(
        issue,
        message=f"发布 {release.tag} 中的 {issue.file}{field} 不符合该发布提交的 schema："
        f"{issue.message} (a released document fails its release's schema)",
        severity=Severity.ERROR,
        code=CODE,
        hint=issue.hint or _HINT,
    )

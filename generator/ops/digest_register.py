"""The digest register: the genuine copies' digests as each build and each published version
recorded them, so an older genuine copy still verifies after cems renders Word differently.

`cems verify` re-renders the genuine copy of the claimed revision and compares digests; that
holds while the renderer is unchanged. A cems upgrade that changes the Word output would turn
every older genuine copy into "altered" (6). So every build writes `site/verify/digests.json`
((document, revision, 分发号) -> digest, with the cems version that rendered it), `cems
publish` keeps one in every version it publishes and an append-only `versions/digests.json`
that no later publish removes an entry from. `cems verify --published <dir>` (or the site named
by `releases.published_record`) accepts a copy whose digest is recorded there for exactly its
claim; a forged copy matches no record and still answers 6.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.core.issues import CemsError, Issue

if TYPE_CHECKING:  # the digests module loads python-docx: not needed to write a register
    from generator.ops.digests import Digests

REGISTER_NAME = "digests.json"
SITE_REGISTER = Path("verify") / REGISTER_NAME
_FIELDS = ("document", "revision", "number", "digest", "cems", "version")


@dataclass(frozen=True)
class RecordedDigest:
    """One genuine copy's digest as a register recorded it."""

    document: str
    revision: str
    number: str  # 分发号 (母本 for the master copy)
    digest: str
    cems: str  # the cems version that rendered it
    version: str = ""  # the published site version that recorded it ("" for a build)

    def describe(self) -> str:
        """Which record matched, for the verdict."""
        where = f"发布站点 {self.version} 记录" if self.version else "构建时记录"
        english = f"site version {self.version}" if self.version else "a build"
        return (
            f"与{where}的正本摘要一致（由 cems {self.cems} 生成）"
            f"(matches the genuine digest recorded by {english}, rendered by cems {self.cems})"
        )


def entries_of(digests: Digests, version: str = "") -> list[RecordedDigest]:
    return [
        RecordedDigest(doc_id, label, number, digest, __version__, version)
        for (doc_id, label), rows in sorted(digests.items())
        for number, digest in rows
    ]


def write_register(path: Path, records: list[RecordedDigest]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": 1, "entries": [asdict(r) for r in records]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _bad(path: Path, why: str) -> CemsError:
    issue = Issue(
        str(path), None, "", f"正本摘要登记表无法读取 (unreadable digest register): {why}"
    )
    return CemsError(f"正本摘要登记表无法读取 (unreadable digest register): {path}", [issue])


def read_register(path: Path) -> list[RecordedDigest]:
    """The entries of one register file; CemsError naming the file if it is malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise _bad(path, str(error)) from None
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise _bad(path, "缺少 entries 列表 (no entries list)")
    records = []
    for index, entry in enumerate(entries):
        values = [entry.get(key) for key in _FIELDS] if isinstance(entry, dict) else []
        if len(values) != len(_FIELDS) or not all(isinstance(v, str) for v in values):
            raise _bad(path, f"第 {index + 1} 项格式不正确 (entry {index + 1} is malformed)")
        records.append(RecordedDigest(*(str(v) for v in values)))
    return records


def merged(old: list[RecordedDigest], new: list[RecordedDigest]) -> list[RecordedDigest]:
    """Append-only: every old entry, then each new claim and digest not recorded yet."""
    seen = {(r.document, r.revision, r.number, r.digest) for r in old}
    result = list(old)
    for record in new:
        key = (record.document, record.revision, record.number, record.digest)
        if key not in seen:
            seen.add(key)
            result.append(record)
    return result


def published_registers(folder: Path, required: bool = True) -> list[RecordedDigest]:
    """Every register of a published site: `<dir>` may be publish's output folder, its
    versions/ folder, or one built site (build/site). None there is an error if `required`."""
    if (folder / "versions").is_dir():
        folder = folder / "versions"
    paths = [folder / REGISTER_NAME, folder / SITE_REGISTER]
    paths += sorted(folder.glob(f"*/{SITE_REGISTER.as_posix()}"))
    records: list[RecordedDigest] = []
    for path in paths:
        if path.is_file():
            records = merged(records, read_register(path))
    if not records and required:
        issue = Issue(str(folder), None, "", "该文件夹中没有正本摘要登记表 (no digest register)")
        raise CemsError(f"找不到正本摘要登记表 (no digest register found in {folder})", [issue])
    return records


def find_record(
    records: list[RecordedDigest], document: str, revision: str, number: str, digest: str
) -> RecordedDigest | None:
    """The first record of exactly this claim with exactly this digest."""
    return next(
        (
            r
            for r in records
            if (r.document, r.revision, r.number, r.digest) == (document, revision, number, digest)
        ),
        None,
    )

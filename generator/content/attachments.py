"""Evidence attachments: files in the repository that records reference by path and sha256.

Any record may carry `attachments: [{path, sha256, title}]` (at the top level or inside an
item). Each path must resolve, symlinks included, to a regular file inside the repository, and
its sha256 must match; a Git LFS pointer is recognised and its `oid sha256:` compared instead
(the content itself is not checked out).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.content.load import SourceFile
from generator.core.issues import Issue

LFS_HEADER = b"version https://git-lfs.github.com/spec/v1"
_LFS_OID = re.compile(rb"^oid sha256:([0-9a-f]{64})$", re.MULTILINE)
KINDS = {".pdf": "PDF", ".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}


@dataclass(frozen=True)
class Attachment:
    record_path: str  # the record that references it
    field: str  # e.g. attachments/0
    path: str  # repository-relative, forward slashes
    sha256: str
    title: str = ""


def iter_attachments(record_path: str, data: Any, prefix: str = "") -> Iterator[Attachment]:
    """Every attachment a record's data references, with its field path."""
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{prefix}{key}"
            if key == "attachments" and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict) and "path" in item and "sha256" in item:
                        yield Attachment(
                            record_path,
                            f"{where}/{index}",
                            str(item["path"]).replace("\\", "/"),
                            str(item["sha256"]).lower(),
                            str(item.get("title", "")),
                        )
            elif isinstance(value, dict | list):
                yield from iter_attachments(record_path, value, where + "/")
    elif isinstance(data, list):
        for index, item in enumerate(data):
            if isinstance(item, dict | list):  # not per scalar (300,000 CSV cells)
                yield from iter_attachments(record_path, item, f"{prefix}{index}/")


def lfs_oid(head: bytes) -> str | None:
    """The sha256 a Git LFS pointer file names, or None when the file is not a pointer."""
    if not head.startswith(LFS_HEADER):
        return None
    match = _LFS_OID.search(head)
    return match.group(1).decode() if match else None


def file_digest(path: Path) -> tuple[str, bool]:
    """(sha256 of the content, whether it was read from an LFS pointer)."""
    with path.open("rb") as handle:
        head = handle.read(1024)
        oid = lfs_oid(head) if len(head) < 1024 else None
        if oid is not None:
            return oid, True
        digest = hashlib.sha256(head)
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest(), False


def resolve_inside(root: Path, rel: str) -> Path | None:
    """The file `rel` names, resolved (symlinks too), or None when it leaves `root`."""
    base = root.resolve()
    if rel.startswith("/") or re.match(r"^[A-Za-z]:", rel):
        return None
    target = (base / rel).resolve()
    return target if target.is_relative_to(base) else None


def check_attachment(root: Path, attachment: Attachment, line: int | None) -> list[Issue]:
    def issue(message: str, code: str, hint: str = "") -> list[Issue]:
        return [
            Issue(
                attachment.record_path,
                line,
                attachment.field + "/path",
                message,
                code=code,
                hint=hint,
            )
        ]

    if Path(attachment.path).suffix.lower() not in KINDS:
        return issue(
            f"附件 {attachment.path} 不是 PDF、JPEG 或 PNG 文件 (attachment type not allowed)",
            "ATTACHMENT-TYPE",
        )
    target = resolve_inside(root, attachment.path)
    if target is None:
        return issue(
            f"附件路径 {attachment.path} 指向仓库之外 (attachment path leaves the repository)",
            "ATTACHMENT-OUTSIDE",
            "附件须放在内容仓库内，路径相对仓库根目录，不得用 .. 或指向仓库外的符号链接。",
        )
    if not target.is_file():
        return issue(
            f"附件 {attachment.path} 不存在 (attachment file missing)",
            "ATTACHMENT-MISSING",
            "把证据文件提交到仓库中该路径，或更正路径。",
        )
    digest, pointer = file_digest(target)
    if digest != attachment.sha256:
        kind = "Git LFS 指针中的 oid" if pointer else "文件内容"
        return [
            Issue(
                attachment.record_path,
                line,
                attachment.field + "/sha256",
                f"附件 {attachment.path} 的 SHA-256 与记录不符：{kind}为 {digest} "
                "(attachment changed since it was recorded)",
                code="ATTACHMENT-HASH",
                hint="文件被替换或修改：确认证据来源后更正记录中的 sha256，或恢复原文件。",
            )
        ]
    return []


def check_attachments(root: Path, records: dict[str, list[SourceFile]]) -> list[Issue]:
    """Check every attachment of every record file."""
    issues: list[Issue] = []
    for files in records.values():
        for source in files:
            if source.kind == "csv":
                continue  # cells are scalars: a table never lists attachments
            for attachment in iter_attachments(source.rel, source.data):
                parts = tuple(int(p) if p.isdigit() else p for p in attachment.field.split("/"))
                line = source.line_of((*parts, "path"))
                issues += check_attachment(root, attachment, line)
    return issues

"""Verify a controlled copy found in the field: is it the revision in force, and unaltered?

Read-only. A copy carries its document ID, revision, source commit and a hash of its body
text in docProps/custom.xml (written by the Word renderer); the history tells what is in force
now. Any edit of the body text changes the hash, so an altered copy is caught even when its
properties were left alone.
"""

from __future__ import annotations

import enum
import hashlib
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from generator.control.types import UNRELEASED, History
from generator.render.word import ooxml as xml


class VerifyCode(enum.IntEnum):
    """Exit codes of `cems verify` (0-3 are shared by every verb)."""

    IN_FORCE = 0
    SUPERSEDED = 4
    WITHDRAWN = 5
    ALTERED_OR_UNKNOWN = 6


@dataclass(frozen=True)
class Verdict:
    file: str
    state: str  # in_force | superseded | withdrawn | altered | unknown
    message: str
    document_id: str = ""
    revision: str = ""
    commit: str = ""
    current_revision: str = ""  # the revision in force now ("" when none)

    @property
    def exit_code(self) -> VerifyCode:
        return {
            "in_force": VerifyCode.IN_FORCE,
            "superseded": VerifyCode.SUPERSEDED,
            "withdrawn": VerifyCode.WITHDRAWN,
        }.get(self.state, VerifyCode.ALTERED_OR_UNKNOWN)

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "exit_code": int(self.exit_code)}


def read_copy(path: Path) -> tuple[dict[str, str], str] | None:
    """(custom properties, sha256 of the body text) of a .docx, or None if it is not one."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        properties = xml.read_custom_properties(path)
        document = Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError):
        return None
    digest = hashlib.sha256(xml.body_text(document).encode("utf-8")).hexdigest()
    return properties, digest


def verify_copy(path: Path, history: History) -> Verdict:
    """Judge one copy against the history of the content repository."""
    name = path.name
    read = read_copy(path)
    if read is None:
        return Verdict(name, "unknown", "不是可读的 Word 文件 (not a readable .docx)")
    props, digest = read
    doc_id = props.get("cems.document_id", "")
    revision = props.get("cems.revision", "")
    commit = props.get("cems.commit", "")
    base = {"file": name, "document_id": doc_id, "revision": revision, "commit": commit}
    if not doc_id or not props.get("cems.content_sha256"):
        return Verdict(
            **base, state="unknown", message="文件中没有 cems 受控标识 (no cems control properties)"
        )
    if props["cems.content_sha256"] != digest:
        return Verdict(
            **base,
            state="altered",
            message="正文与生成时不一致，文件已被修改 (body text altered since it was issued)",
        )
    control = history.documents.get(doc_id)
    current = control.in_force.label if control and control.in_force else ""
    base["current_revision"] = current
    if (control and control.is_withdrawn) or (control is None and doc_id in history.archived):
        when = control.withdrawn_in.tag if control and control.withdrawn_in else ""
        return Verdict(
            **base,
            state="withdrawn",
            message=f"文件已作废{('（' + when + '）') if when else ''} (document withdrawn)",
        )
    if control is None:
        return Verdict(**base, state="unknown", message="文件库中没有该文件 (unknown document)")
    if revision == UNRELEASED or props.get("cems.status") == "draft":
        if current:
            return Verdict(
                **base,
                state="superseded",
                message=f"草稿副本，现行版本为 {current} (a draft; {current} is in force)",
            )
        return Verdict(**base, state="unknown", message="未发布的草稿 (an unreleased draft)")
    released = {r.label: r for r in control.revisions}
    if revision not in released:
        return Verdict(
            **base,
            state="unknown",
            message=f"没有发布过版本 {revision} (no such released revision)",
        )
    if commit and commit != released[revision].release.commit:
        return Verdict(
            **base,
            state="unknown",
            message="源提交与该版本的发布不符 (source commit does not match the release)",
        )
    if revision == current:
        return Verdict(**base, state="in_force", message=f"现行有效版本 {revision} (in force)")
    return Verdict(
        **base,
        state="superseded",
        message=f"已被 {current or '后续版本'} 替代 (superseded by {current or 'a later revision'})",
    )

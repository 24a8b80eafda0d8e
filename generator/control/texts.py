"""Released texts: what a document said in a given revision, read back from git.

Controlled copies of a document that has unreleased edits must show the revision in force,
not the draft; redlines compare two released texts. Both read the file as it was in the
release commit (`<commit>:<path>`, one `git cat-file` process), so nothing is kept twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from generator.content.load import YamlProblem, parse_yaml, split_front_matter
from generator.content.model import Document, Model, document_from_front_matter
from generator.control.types import CopyIssue, DocumentControl, History, Revision
from generator.core.config import Config
from generator.core.issues import CemsError, Issue, Severity
from generator.git.client import Git

TextAt = Callable[[str, str], "str | None"]


def text_reader(config: Config, history: History) -> TextAt:
    """`text_at(document_id, revision_label)`: the Markdown file of that released revision.
    The first call reads every released revision's text with one `git cat-file` process."""
    git = Git(config.root)
    prefix = git.prefix() if git.toplevel() is not None else ""
    texts: dict[str, bytes | None] = {}

    def spec(revision: Revision) -> str:
        return f"{revision.release.commit}:{prefix}{revision.path}"

    def text_at(document_id: str, label: str) -> str | None:
        revision = next(
            (r for r in history.control(document_id).revisions if r.label == label), None
        )
        if revision is None:
            return None
        if not texts:
            released = [r for c in history.documents.values() for r in c.revisions]
            found = git.read_objects(spec(r) for r in released)
            texts.update({k: v[2] if v and v[1] == "blob" else None for k, v in found.items()})
        shown = texts.get(spec(revision))
        return shown.decode("utf-8-sig") if shown is not None else None

    return text_at


def _released_document(path: str, text: str) -> Document | None:
    front, body, _line = split_front_matter(text)
    try:
        data = parse_yaml(front)[0] if front is not None else None
    except YamlProblem:
        return None
    if not isinstance(data, dict):
        return None
    try:
        return document_from_front_matter(path, data, body)
    except (KeyError, TypeError, ValueError):  # released before a schema change: keep current
        return None


def released_document(text_at: TextAt, revision: Revision) -> Document | None:
    """The document (front matter and body) exactly as it was released in `revision`."""
    text = text_at(revision.document_id, revision.label)
    return _released_document(revision.path, text) if text else None


def in_force_view(model: Model, history: History, text_at: TextAt) -> tuple[Model, History]:
    """The model and history as a controlled copy must show them: drafts replaced by the
    revision in force (its text, and its control marked not draft)."""
    documents, controls = [], dict(history.documents)
    for document in model.documents:
        control = history.control(document.id)
        revision = control.in_force
        edited = control.draft or bool(control.approved)  # text differs from the one in force
        if edited and revision is not None and not control.is_withdrawn:
            text = text_at(document.id, revision.label)
            released = _released_document(revision.path, text) if text else None
            if released is None:  # never print the draft as the controlled copy
                raise CemsError(
                    f"{document.id} 的现行版本 {revision.label}（{revision.release.tag}）"
                    f"无法按现在的格式读取，不能生成受控副本 (released text unreadable)",
                    [_unreadable(revision)],
                )
            documents.append(released)
            # the copy in force shows its own issue, not that of a revision approved for later
            shown = as_issued(control, revision) if control.approved else control
            controls[document.id] = dataclasses.replace(shown, draft=False, draft_changes=())
            continue
        documents.append(document)
    return (
        dataclasses.replace(model, documents=tuple(documents)),
        dataclasses.replace(history, documents=controls),
    )


def _unreadable(revision: Revision) -> Issue:
    return Issue(
        revision.path,
        None,
        "",
        f"{revision.release.tag} 发布的 {revision.path}（{revision.document_id} {revision.label}）"
        "的文件头不符合现在的格式，无法生成现行版本的受控副本 "
        "(the released text does not parse under today's schema)",
        severity=Severity.ERROR,
        code="COPY-RELEASED-UNREADABLE",
        hint="不会用草稿代替现行版本；请发布符合现在格式的新版本（cems release）。",
    )


def drafts_view(model: Model, history: History) -> Model:
    """Only the documents whose working text differs from a revision in force (draft previews)."""
    drafts = tuple(
        d
        for d in model.documents
        if history.control(d.id).draft and history.control(d.id).in_force is not None
    )
    return dataclasses.replace(model, documents=drafts)


def as_issued(control: DocumentControl, revision: Revision) -> DocumentControl:
    """The document's control data as printed on copies of `revision` while it was in force."""
    position = next(i for i, r in enumerate(control.revisions) if r.label == revision.label)
    revisions = control.revisions[: position + 1]
    tags = {r.release.tag for r in revisions}
    copies: list[CopyIssue] = [
        dataclasses.replace(c, recalled_by=c.recalled_by if c.recalled_by in tags else "")
        for c in control.copies
        if c.issued in tags
    ]
    return DocumentControl(
        document_id=control.document_id,
        revisions=revisions,
        in_force=revision,
        draft=False,
        copies=tuple(copies),
    )

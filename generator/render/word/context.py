"""What one controlled copy shows: its document, control data and distribution.

Small and picklable, so worker processes render copies from it; `layout` and `copy` both read
it, which is why it sits in a module of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.content.model import Document, Model
from generator.control.types import DocumentControl, History, distribution_code
from generator.core.config import Config
from generator.render.word.qr import verification_url

STATUS_IN_FORCE, STATUS_DRAFT, STATUS_WITHDRAWN = "in_force", "draft", "withdrawn"
MASTER_NUMBER = "母本"
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class CopyContext:
    """Everything needed to render one copy; small and picklable for worker processes."""

    document: Document
    control: DocumentControl
    organisation: str
    people: tuple[tuple[str, str], ...]  # (person id, name), sorted
    departments: tuple[tuple[str, str], ...]
    commit: str
    base_dir: str  # the document's folder, for relative images
    department: str = ""  # set for a department's controlled copy
    distribution_number: str = ""
    verify_url: str = ""  # the site page that says whether this revision is in force

    @property
    def status(self) -> str:
        if self.control.is_withdrawn or self.document.status == "obsolete":
            return STATUS_WITHDRAWN
        if self.control.in_force is None or self.control.draft:
            return STATUS_DRAFT
        return STATUS_IN_FORCE

    @property
    def revision(self) -> str:
        label = self.control.revision_label
        if self.status == STATUS_DRAFT and self.control.in_force is not None:
            return f"{label}（修订中）"
        return label

    def person(self, person_id: str) -> str:
        return dict(self.people).get(person_id, person_id)

    def department_name(self, department_id: str) -> str:
        return dict(self.departments).get(department_id, department_id)


def file_name(document: Document) -> str:
    return _UNSAFE.sub("_", f"{document.id}-{document.title}") + ".docx"


def distribution_number(document: Document, control: DocumentControl, department: str) -> str:
    """The department's 分发号: the one recorded in history, else ID + position in the list."""
    for issue in reversed(control.copies):
        if issue.department == department:
            return issue.distribution_number
    position = (
        document.distribution.index(department) + 1 if department in document.distribution else 0
    )
    return f"{distribution_code(document.id)}-{position:02d}"


def source_commit(control: DocumentControl, history: History) -> str:
    """The commit a copy's content comes from: the release in force, the release that withdrew
    it, or HEAD for drafts."""
    if control.in_force is not None and not control.draft:
        return control.in_force.release.commit
    if control.withdrawn_in is not None:
        return control.withdrawn_in.commit
    return history.head_commit


def context_for(
    model: Model, history: History, config: Config, document: Document, department: str = ""
) -> CopyContext:
    control = history.control(document.id)
    released = control.last_revision is not None and (control.is_withdrawn or not control.draft)
    return CopyContext(
        document=document,
        control=control,
        organisation=model.organisation.name,
        people=tuple(sorted((p.id, p.name) for p in model.organisation.people)),
        departments=tuple(sorted((d.id, d.name) for d in model.organisation.departments)),
        commit=source_commit(control, history),
        base_dir=str((config.root / document.path).parent),
        department=department,
        distribution_number=distribution_number(document, control, department)
        if department
        else "",
        verify_url=verification_url(config.root, document.id, control.revision_label)
        if released
        else "",
    )

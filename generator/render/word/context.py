"""What one controlled copy shows: its document, control data and distribution.

Small and picklable, so worker processes render copies from it; `layout` and `copy` both read
it, which is why it sits in a module of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.content.model import Document, Model
from generator.content.schemas import load_schemas
from generator.control.types import DocumentControl, History, distribution_code
from generator.core.config import Config
from generator.render.word.form import BlankForm, blank_form
from generator.render.word.qr import verification_url

STATUS_IN_FORCE, STATUS_DRAFT, STATUS_WITHDRAWN = "in_force", "draft", "withdrawn"
STATUS_SUPERSEDED = "superseded"  # in force at an older release: a copy for reference only
MASTER_NUMBER = "母本"
# Not allowed in Windows file names, or special in a Markdown link target, URL or HTML
# (a title with `&`, a backtick or brackets must still give a download link that resolves).
_UNSAFE = re.compile(r'[\\/:*?"<>|\s&#%`\'()\[\]{}!;]+')


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
    image_roots: tuple[str, ...] = ()  # images are embedded only from inside these folders
    department: str = ""  # set for a department's controlled copy
    distribution_number: str = ""
    form: BlankForm | None = None  # a form document's blank form, from its record schema
    superseded_by: str = ""  # set when rendering an older release: the release in force now
    verify_url: str = ""  # the site page that says whether this revision is in force

    @property
    def status(self) -> str:
        if self.control.is_withdrawn or self.document.status == "obsolete":
            return STATUS_WITHDRAWN
        if self.control.in_force is None or self.control.draft:
            return STATUS_DRAFT
        if self.superseded_by:
            return STATUS_SUPERSEDED
        return STATUS_IN_FORCE

    @property
    def revision(self) -> str:
        label = self.control.revision_label
        if self.status == STATUS_DRAFT and self.control.in_force is not None:
            return f"草稿（修订 {label}）"
        return label

    @property
    def effective_text(self) -> str:
        """A draft carries no effective date: it is not in force."""
        if self.status == STATUS_DRAFT:
            return "未生效（草稿）"
        return self.control.effective_text

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


def form_of(config: Config, document: Document) -> BlankForm | None:
    """The blank form of a form document whose record type has a schema."""
    if document.kind != "form" or not document.record_type:
        return None
    schemas = load_schemas(config.schemas_dir, config.root)
    schema = schemas.records.get(document.record_type)
    return blank_form(schemas.inlined(schema)) if schema is not None else None


def context_for(
    model: Model,
    history: History,
    config: Config,
    document: Document,
    department: str = "",
    superseded_by: str = "",
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
        image_roots=(str(config.content_dir), str(config.records_dir)),
        department=department,
        distribution_number=distribution_number(document, control, department)
        if department
        else "",
        form=form_of(config, document),
        superseded_by=superseded_by,
        verify_url=verification_url(config.root, document.id, control.revision_label)
        if released
        else "",
    )

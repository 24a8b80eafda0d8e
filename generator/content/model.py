"""Model stage: immutable objects built from validated sources. No I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from generator.content.discover import Sources
from generator.content.schemas import SchemaSet
from generator.content.standard import Clause, clause_catalogue
from generator.core.dates import parse_day

# Document kinds in the order of clause 7.2, with their Chinese names and ID-less folder names.
DOCUMENT_KINDS: dict[str, str] = {
    "manual": "碳排放管理手册",
    "procedure": "程序文件",
    "rule": "管理制度",
    "instruction": "作业文件",
    "form": "记录表单",
}
# Kinds the generator makes from records (never authored as files under content/documents).
GENERATED_KINDS: dict[str, str] = {
    "report": "碳评估报告",
    "review-input": "管理评审输入材料",
    "emission-report": "二氧化碳排放报告",
}
STATUS_ZH = {"draft": "草稿", "effective": "有效", "obsolete": "作废"}


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    department: str
    title: str
    roles: tuple[str, ...] = ()
    email: str = ""


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    responsibilities: tuple[str, ...]
    head: str = ""


@dataclass(frozen=True)
class Organisation:
    name: str
    short_name: str
    address: str
    industry: str
    boundary: dict[str, Any]
    policy: dict[str, Any]
    top_management: str
    management_representative: str
    departments: tuple[Department, ...]
    people: tuple[Person, ...]
    approvers: tuple[str, ...]
    output: dict[str, Any]
    exclusions: tuple[dict[str, str], ...] = ()
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    kind: str
    edition: str
    clauses: tuple[str, ...]
    owner: str
    author: str
    reviewer: str
    approver: str
    status: str
    review_interval_months: int
    distribution: tuple[str, ...]
    path: str  # repository-relative
    body: str
    withdrawal_reason: str = ""
    record_type: str = ""
    related: tuple[str, ...] = ()

    @property
    def kind_zh(self) -> str:
        return DOCUMENT_KINDS.get(self.kind) or GENERATED_KINDS[self.kind]

    @property
    def status_zh(self) -> str:
        return STATUS_ZH[self.status]


@dataclass(frozen=True)
class Record:
    id: str
    type: str
    title: str
    date: dt.date | None  # the record's own date (CSV tables: the first day of their last month)
    path: str
    clauses: tuple[str, ...]
    data: dict[str, Any] = field(compare=False, repr=False)
    period: str = ""  # CSV tables: their last month, YYYY-MM ("" for other records)

    @property
    def is_table(self) -> bool:
        return self.path.endswith(".csv")

    @property
    def date_text(self) -> str:
        """The date as the source wrote it: YYYY-MM-DD, or YYYY-MM for a CSV table."""
        return self.period or (self.date.isoformat() if self.date else "")

    @property
    def sort_date(self) -> dt.date:
        """`date`, or the earliest day for a record without one (it sorts, and counts, first)."""
        return self.date or dt.date.min


@dataclass(frozen=True)
class RecordType:
    name: str
    title: str
    description: str
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class Model:
    organisation: Organisation
    documents: tuple[Document, ...]
    records: tuple[Record, ...]
    record_types: tuple[RecordType, ...]
    clauses: tuple[Clause, ...] = field(default_factory=clause_catalogue)
    # digest of the source files and schemas this model was loaded from ("" = unknown), for
    # caches keyed by content; not an init field, so a `replace`d model never inherits it
    sources_digest: str = field(default="", init=False, repr=False, compare=False)

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.organisation.people if p.id == person_id), None)

    def person_name(self, person_id: str) -> str:
        person = self.person(person_id)
        return person.name if person else person_id

    def department(self, department_id: str) -> Department | None:
        return next((d for d in self.organisation.departments if d.id == department_id), None)

    def department_name(self, department_id: str) -> str:
        dept = self.department(department_id)
        return dept.name if dept else department_id

    def document(self, document_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == document_id), None)

    def records_of(self, record_type: str) -> tuple[Record, ...]:
        return tuple(r for r in self.records if r.type == record_type)

    def record_type(self, name: str) -> RecordType | None:
        return next((t for t in self.record_types if t.name == name), None)

    def documents_of_kind(self, kind: str) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.kind == kind)


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


def _organisation(data: dict[str, Any]) -> Organisation:
    return Organisation(
        name=data["name"],
        short_name=data.get("short_name", data["name"]),
        address=data["address"],
        industry=data["industry"],
        boundary=data["boundary"],
        policy=data["policy"],
        top_management=data["top_management"],
        management_representative=data["management_representative"],
        departments=tuple(
            Department(d["id"], d["name"], _tuple(d.get("responsibilities")), d.get("head", ""))
            for d in data["departments"]
        ),
        people=tuple(
            Person(
                p["id"],
                p["name"],
                p["department"],
                p["title"],
                _tuple(p.get("roles")),
                p.get("email", ""),
            )
            for p in data["people"]
        ),
        approvers=_tuple(data["approvers"]),
        output=data.get("output") or (data.get("indicators") or [{}])[0],
        exclusions=_tuple(data.get("exclusions")),
        data=data,
    )


def document_from_front_matter(rel: str, data: dict[str, Any], body: str) -> Document:
    """A Document from parsed front matter and body (also used for released texts from git)."""
    return Document(
        id=data["id"],
        title=data["title"],
        kind=data["kind"],
        edition=data["edition"],
        clauses=_tuple(data["clauses"]),
        owner=data["owner"],
        author=data["author"],
        reviewer=data["reviewer"],
        approver=data["approver"],
        status=data["status"],
        review_interval_months=int(data["review_interval_months"]),
        distribution=_tuple(data["distribution"]),
        path=rel,
        body=body,
        withdrawal_reason=data.get("withdrawal_reason", ""),
        record_type=data.get("record_type", ""),
        related=_tuple(data.get("related")),
    )


def _record(record_type: str, rel: str, data: dict[str, Any], schema: dict[str, Any]) -> Record:
    clauses = _tuple(data.get("clauses")) or _tuple(schema.get("x-clauses"))
    if rel.endswith(".csv"):
        stem = rel.rsplit("/", 1)[-1].removesuffix(".csv")
        rows = data.get("rows", [])
        months = sorted(str(r.get("month", "")) for r in rows if r.get("month"))
        return Record(
            id=f"{record_type}/{stem}",
            type=record_type,
            title=f"{schema.get('title', record_type)} {stem}",
            date=parse_day(months[-1] + "-01") if months else None,
            path=rel,
            clauses=clauses,
            data=data,
            period=months[-1] if months else "",
        )
    day = parse_day(data["date"])
    return Record(data["id"], record_type, data["title"], day, rel, clauses, data)


def build_model(sources: Sources, schemas: SchemaSet) -> Model:
    """Build the model from sources that passed validation."""
    assert sources.organisation is not None
    documents = tuple(
        sorted(
            (document_from_front_matter(d.rel, d.data, d.body) for d in sources.documents),
            key=lambda d: (list(DOCUMENT_KINDS).index(d.kind), d.id),
        )
    )
    records = tuple(
        sorted(
            (
                _record(record_type, f.rel, f.data, schemas.records[record_type])
                for record_type, files in sources.records.items()
                for f in files
            ),
            key=lambda r: (r.type, r.sort_date, r.id),
        )
    )
    record_types = tuple(
        RecordType(
            name,
            str(schema.get("title", name)),
            str(schema.get("description", "")),
            _tuple(schema.get("x-clauses")),
        )
        for name, schema in sorted(schemas.records.items())
    )
    return Model(_organisation(sources.organisation.data), documents, records, record_types)

"""Rules of 7.2 (documents reviewed, drafts released) and 7.3 (training, awareness of revisions)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from generator.content.model import Person
from generator.core.dates import add_months
from generator.ops.rules.base import Context, Hit, RuleSpec, day, rule


@rule("DOC-REVIEW-OVERDUE")
def review_overdue(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    if ctx.history is None:
        return
    for control in sorted(ctx.history.documents.values(), key=lambda c: c.document_id):
        doc = ctx.model.document(control.document_id)
        if control.review_overdue and doc is not None:
            yield Hit(
                doc.path,
                ("review_interval_months",),
                {"doc": doc.id, "due": control.next_review, "last": control.last_review},
            )


@rule("DOC-DRAFT-STALE")
def draft_stale(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    if ctx.history is None:
        return
    limit = timedelta(days=int(spec.param("max_days")))
    for control in sorted(ctx.history.documents.values(), key=lambda c: c.document_id):
        doc = ctx.model.document(control.document_id)
        if not control.draft or doc is None or not control.draft_changes:
            continue
        since = min(c.date.date() for c in control.draft_changes)
        if since + limit < ctx.as_of:
            yield Hit(
                doc.path,
                None,
                {"doc": doc.id, "since": since.isoformat(), "label": control.revision_label},
            )


def _sessions(ctx: Context) -> Iterator[tuple[dict[str, Any], date]]:
    for record in ctx.records("training"):
        if record.data.get("kind") != "session":
            continue
        for session in record.data.get("sessions") or []:
            when = day(session.get("date") or session.get("month"))
            if when is not None and when <= ctx.as_of:
                yield session, when


def _topics(ctx: Context, session: dict[str, Any]) -> set[str]:
    covers = set(session.get("covers") or [])
    text = str(session.get("topic", ""))
    for key, topic in ctx.catalogue.get("training_topics", {}).items():
        if any(word in text for word in topic.get("keywords") or []):
            covers.add(key)
    return covers


def _people_in_roles(ctx: Context) -> Iterator[tuple[int, Person, str, list[str]]]:
    wanted = ctx.catalogue.get("role_training", {})
    for index, person in enumerate(ctx.model.organisation.people):
        for role_name in person.roles:
            if role_name in wanted:
                yield index, person, role_name, list(wanted[role_name])


@rule("TRAINING-ROLE-MISSING")
def role_training_missing(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    since = add_months(ctx.as_of, -12 * int(spec.param("lookback_years")))
    trained: dict[str, set[str]] = {}
    for session, when in _sessions(ctx):
        if when < since:
            continue
        topics = _topics(ctx, session)
        trainers = [p.id for p in ctx.model.organisation.people if p.name == session.get("trainer")]
        for person in [*(session.get("attendees") or []), *trainers]:  # the trainer knows it too
            trained.setdefault(str(person), set()).update(topics)
    titles = ctx.catalogue.get("training_topics", {})
    reported: set[tuple[str, str]] = set()
    for index, person, role_name, wanted in _people_in_roles(ctx):
        for topic in wanted:
            if topic in trained.get(person.id, set()) or (person.id, topic) in reported:
                continue
            reported.add((person.id, topic))
            yield Hit(
                "content/organisation.yaml",
                ("people", index),
                {
                    "person": f"{person.name}（{person.id}）",
                    "role": role_name,
                    "topic": titles.get(topic, {}).get("title", topic),
                },
            )


def _acknowledgements(ctx: Context) -> dict[tuple[str, str], dict[str, date]]:
    """(document, revision or "") -> person -> date they recorded "read and understood"."""
    acks: dict[tuple[str, str], dict[str, date]] = {}
    for session, when in _sessions(ctx):
        if session.get("document"):
            key = (str(session["document"]), str(session.get("revision", "")))
            for person in session.get("attendees") or []:
                acks.setdefault(key, {})[str(person)] = when
    return acks


def _revisions_due(ctx: Context, within: timedelta) -> Iterator[tuple[Any, Any, date]]:
    """(document, revision, effective date) of revisions in force whose read period is over."""
    if ctx.history is None:
        return
    for control in sorted(ctx.history.documents.values(), key=lambda c: c.document_id):
        doc, revision = ctx.model.document(control.document_id), control.in_force
        effective = day(revision.effective_date) if revision else None
        if doc is not None and revision is not None and effective is not None:
            if effective + within < ctx.as_of and doc.distribution:
                yield doc, revision, effective


@rule("TRAINING-ACK-OVERDUE")
def acknowledgement_overdue(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    """Everyone in a department on a revision's distribution list read it within N days.

    Judged from the first recorded acknowledgement on: revisions that came into force before
    the organisation started recording them are not reported one by one (TRAINING-ACK-NONE)."""
    within = timedelta(days=int(spec.param("within_days")))
    acks = _acknowledgements(ctx)
    if not acks:
        return
    started = min(d for people in acks.values() for d in people.values())
    for doc, revision, effective in _revisions_due(ctx, within):
        if effective + within < started:
            continue
        read = {**acks.get((doc.id, ""), {}), **acks.get((doc.id, revision.label), {})}
        missing = [
            person.name
            for person in ctx.model.organisation.people
            if person.department in doc.distribution
            and not (effective <= read.get(person.id, date.min) <= effective + within)
        ]
        if missing:
            yield Hit(
                doc.path,
                ("distribution",),
                {
                    "doc": doc.id,
                    "label": revision.label,
                    "effective": effective.isoformat(),
                    "people": "、".join(missing),
                    "count": len(missing),
                },
            )


@rule("TRAINING-ACK-NONE")
def acknowledgement_none(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    """No "read and understood" record at all while revisions are in force."""
    within = timedelta(days=int(spec.param("within_days")))
    if _acknowledgements(ctx):
        return
    due = list(_revisions_due(ctx, within))
    if due:
        yield Hit("records/training", None, {"count": len(due)})

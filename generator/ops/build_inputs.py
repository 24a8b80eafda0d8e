"""Build stage: the table renderers the build caches, and what each cached output reads of
the repository besides its folders (the inputs of its cache key).

A key holds what its output depends on and nothing more, so an edit re-renders only what shows
it: the documents' working text is left out of the keys of the outputs that never read it
(their files are skipped in the tree digest and their fields blanked here). An input left out
that an output does read would keep a stale output: each function says what it leaves out and
why, and `tests/e2e/test_build_truth.py` compares the kept outputs with a build from nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.content.model import Model
from generator.control.types import History
from generator.core.config import Config
from generator.manifest import GeneratedFile
from generator.ops.cache import Cached


def cached_files(
    render: Callable[[Model, History, Config, Path], list[GeneratedFile]],
    model: Model,
    history: History,
    config: Config,
    out: Path,
) -> Cached:
    """A renderer's files as the output cache stores them (renderers report no issues)."""
    return Cached(render(model, history, config, out), [])


def register_tables(
    model: Model, history: History, config: Config, out: Path
) -> list[GeneratedFile]:
    """The dedicated registers and the carbon reports."""
    from generator.render.tables.writer import render_registers
    from generator.render.word.emission_report import render_emission_reports
    from generator.render.word.report import render_assessment_reports

    registers = render_registers(model, history, config, out)
    reports = render_assessment_reports(model, history, config, out)
    return registers + reports + render_emission_reports(model, history, config, out)


def record_tables(model: Model, history: History, config: Config, out: Path) -> list[GeneratedFile]:
    """A generic table for every record type without a dedicated register, so each register
    page has a workbook."""
    from generator.render.tables.records import render_record_tables
    from generator.render.tables.spec import register_specs

    designed = {spec.key for spec in register_specs()}
    return render_record_tables(model, history, config, out, skip=designed)


def record_table_inputs(model: Model, history: History) -> tuple[Any, ...]:
    """What the generic tables read besides the records, schemas and organisation: the head
    commit and date, the latest release, and for a record type's header the form it is kept
    on (`register_header`: the document naming that record type, and its revision)."""
    forms = sorted(
        (d.id, d.record_type, history.control(d.id).revision_label)
        for d in model.documents
        if d.record_type
    )
    return (history.head_commit, history.head_date, history.latest_release, forms)


def table_inputs(model: Model, history: History) -> tuple[Any, ...]:
    """What the registers and reports read of the documents: everything but the body and the
    working text's digest (`draft` says whether it differs). With the documents' files left out
    of the tree digest, editing a document's text reuses them. A table renderer that
    starts reading `Document.body` or `current_sha256` must be keyed on them again here."""
    return _without_working_text(model, history)


def genuine_inputs(model: Model, history: History) -> tuple[Any, ...]:
    """What the genuine digests read besides git: a released revision's copy is rendered from
    its text at the release, its control data `as_issued` (which drops the working text's
    draft state and digest) and the model's organisation (`context_for`), so editing a
    document's working text keeps them. Everything but the body and the draft state is kept
    in the key; `built` (the copies this build wrote) is keyed beside it."""
    return _without_working_text(model, history, draft=False, draft_changes=())


def _without_working_text(model: Model, history: History, **cleared: Any) -> tuple[Any, ...]:
    """(history, documents) with each document's body and working digest blanked, and the
    control fields in `cleared` set as given."""
    controls = {
        doc_id: dataclasses.replace(control, current_sha256="", **cleared)
        for doc_id, control in history.documents.items()
    }
    documents = tuple(dataclasses.replace(d, body="") for d in model.documents)
    return (dataclasses.replace(history, documents=controls), documents)

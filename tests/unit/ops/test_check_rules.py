"""Every rule of `cems check`: a record set that breaks it and one that satisfies it.

The sample organisation satisfies every rule at its "ok" date; each case changes the sample
(in memory: the validated model with one record's data edited) so that exactly that rule fires.
Time is always frozen with an explicit reference date.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from generator.content.model import Model
from generator.content.project import load_project, require_model
from generator.control.types import DocumentControl, History
from generator.core.config import Config
from generator.ops.check import status_report
from tests.support import fake_history
from tests.support.paths import SAMPLE

Data = dict[str, Any]


@pytest.fixture(scope="module")
def sample_model() -> Model:
    return require_model(load_project(Config.for_root(SAMPLE)))


def edit(model: Model, record_id: str, change: Callable[[Data], object]) -> Model:
    """The model with a deep copy of one record's data changed by `change`."""
    records = []
    for record in model.records:
        if record.id == record_id:
            data = copy.deepcopy(record.data)
            change(data)
            record = dataclasses.replace(record, data=data)
        records.append(record)
    return dataclasses.replace(model, records=tuple(records))


def drop(model: Model, record_id: str) -> Model:
    return dataclasses.replace(model, records=tuple(r for r in model.records if r.id != record_id))


def rules_at(model: Model, as_of: str, history: History | None = None) -> set[str]:
    report, issues = status_report(model, date.fromisoformat(as_of), history)
    assert not issues
    return {f.rule for f in report.findings}


def _req(data: Data, req_id: str) -> Data:
    return next(r for r in data["requirements"] if r["id"] == req_id)


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _inst(meter: str, **values: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        next(i for i in data["instruments"] if i["id"] == meter).update(values)

    return change


def _append(path: tuple[Any, ...], value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        target: Any = data
        for key in path:
            target = target[key]
        target.append(value)

    return change


OK = "2026-06-01"  # the sample satisfies every rule on this date
CASES: list[tuple[str, str, Callable[[Model], Model]]] = [
    # 6.2 / 9.3
    (
        "LEGAL-EVAL-MISSING",
        OK,
        lambda m: edit(
            m,
            "LEG-2025",
            lambda d: d["requirements"].append(
                {**_req(d, "L-01"), "id": "L-99", "evaluations": []}
            ),
        ),
    ),
    ("LEGAL-EVAL-OVERDUE", "2027-01-10", lambda m: m),
    (
        "LEGAL-NONCOMPLIANT-NO-CAPA",
        OK,
        lambda m: edit(
            m, "LEG-2025", lambda d: _req(d, "L-01")["evaluations"][0].update(compliant=False)
        ),
    ),
    ("LEGAL-REGISTER-REVIEW-OVERDUE", OK, lambda m: drop(m, "LEG-2025")),
    (
        "LEGAL-SUPERSEDED-UNKNOWN",
        OK,
        lambda m: edit(m, "LEG-2025", lambda d: _req(d, "L-04").update(superseded_by="L-77")),
    ),
    # 6.3
    ("ASSESS-YEAR-MISSING", "2026-07-15", lambda m: drop(m, "CA-2025")),
    ("ASSESS-STALE", OK, lambda m: drop(m, "CA-2025")),
    (
        "BASELINE-UNVERIFIABLE",
        OK,
        lambda m: edit(m, "BL-2024", lambda d: d["baseline"].pop("deviation")),
    ),
    (
        "BASELINE-MISMATCH",
        OK,
        lambda m: edit(m, "BL-2025", _set(("baseline", "total_tco2"), 50000)),
    ),
    # 6.4 / 6.5
    (
        "OBJ-KINDS",
        OK,
        lambda m: edit(
            m,
            "OBJ-2025",
            lambda d: d.update(
                objectives=[o for o in d["objectives"] if o["metric"] != "total_tco2"]
            ),
        ),
    ),
    ("PLAN-INCOMPLETE", OK, lambda m: edit(m, "IP-2025-02", _set(("verification",), "TODO"))),
    (
        "PLAN-MILESTONE-OVERDUE",
        OK,
        lambda m: edit(m, "IP-2026-01", lambda d: d["schedule"][1].pop("done")),
    ),
    ("PLAN-RESULT-MISSING", OK, lambda m: edit(m, "IP-2025-02", lambda d: d.pop("result"))),
    # 7.3
    ("TRAINING-ROLE-MISSING", OK, lambda m: drop(m, "TRN-2025-REC")),
    # 9.2
    ("MON-PLAN-MISSING", OK, lambda m: drop(drop(m, "MP-2025"), "MP-2024")),
    (
        "MON-THRESHOLD-MISMATCH",
        OK,
        lambda m: edit(m, "MP-2025", _set(("anomaly_thresholds", "mom_percent"), 25)),
    ),
    (
        "MON-SOURCE-UNPLANNED",
        OK,
        lambda m: edit(
            m,
            "MP-2025",
            lambda d: [
                i.update(sources=[s for s in i.get("sources", []) if s != "S07"])
                for i in d["items"]
            ],
        ),
    ),
    ("CAL-READING-UNCALIBRATED", OK, lambda m: edit(m, "CAL-2025", _inst("FT-NG-K2", previous=[]))),
    ("CAL-DUE-SOON", "2026-12-01", lambda m: m),
    ("CAL-EXPIRED", OK, lambda m: drop(m, "CAL-2026")),
    ("ANOMALY-UNANALYSED", OK, lambda m: edit(m, "CA-2025", lambda d: d.pop("anomaly_reviews"))),
    # 9.4
    (
        "AUDIT-PLAN-INCOMPLETE",
        OK,
        lambda m: edit(m, "AUD-2025-01", _set(("plan", "criteria"), " ")),
    ),
    ("AUDIT-REPORT-MISSING", OK, lambda m: edit(m, "AUD-2025-01", lambda d: d.pop("report"))),
    (
        "AUDIT-REPORT-INCOMPLETE",
        OK,
        lambda m: edit(m, "AUD-2025-01", _set(("report", "conclusion"), "待填")),
    ),
    (
        "AUDIT-INDEPENDENCE",
        OK,
        lambda m: edit(
            m, "AUD-2025-01", lambda d: d["plan"]["schedule"][1].update(auditors=["gao-ming"])
        ),
    ),
    (
        "AUDIT-CLAUSE-UNCOVERED",
        OK,
        lambda m: edit(m, "AUD-2025-01", lambda d: d["plan"]["schedule"].pop(1)),
    ),
    ("AUDIT-OVERDUE", "2026-12-01", lambda m: m),
    (
        "AUDIT-FINDING-NO-CAPA",
        OK,
        lambda m: edit(m, "AUD-2025-01", lambda d: d["report"]["findings"][0].pop("capa")),
    ),
    # 9.5
    ("CAPA-INCOMPLETE", OK, lambda m: edit(m, "CAPA-2025-01", lambda d: d.pop("effectiveness"))),
    ("CAPA-OVERDUE", OK, lambda m: edit(m, "CAPA-2026-01", _set(("due",), "2026-05-01"))),
    (
        "CAPA-REOPENED",
        OK,
        lambda m: edit(
            m,
            "CAPA-2025-01",
            _set(("reopened",), [{"date": "2026-04-02", "reason": "同类问题再次出现"}]),
        ),
    ),
    # 10
    (
        "MR-INPUT-MISSING",
        OK,
        lambda m: edit(m, "MR-2025", _set(("inputs", "communication"), "TODO")),
    ),
    (
        "MR-OUTPUT-MISSING",
        OK,
        lambda m: edit(m, "MR-2025", lambda d: d["outputs"].pop("system_changes")),
    ),
    ("MR-ACTION-OPEN", OK, lambda m: edit(m, "MR-2025", lambda d: d.pop("followed_up"))),
    ("MR-OVERDUE", "2027-02-01", lambda m: m),
]


@pytest.mark.parametrize(("rule", "as_of", "breaks"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_on_broken_records_only(
    sample_model: Model, rule: str, as_of: str, breaks: Callable[[Model], Model]
) -> None:
    assert rule not in rules_at(sample_model, OK), f"{rule} fires on the sample at {OK}"
    assert rule in rules_at(breaks(sample_model), as_of)


def test_every_rule_with_data_has_a_case() -> None:
    from generator.ops.rules import load_rule_modules
    from generator.ops.rules.base import REGISTRY, load_catalogue

    load_rule_modules()
    catalogue, _issues = load_catalogue()
    assert set(REGISTRY) == set(catalogue["rules"])  # every rule has data and a function
    covered = {c[0] for c in CASES} | {
        "DOC-REVIEW-OVERDUE",
        "DOC-DRAFT-STALE",
        "TRAINING-ACK-OVERDUE",
        "TRAINING-ACK-NONE",
    }
    assert set(REGISTRY) == covered


def _history(model: Model, doc_id: str, control: DocumentControl) -> History:
    return fake_history.history_for({doc_id: control})


def test_document_rules_use_the_history(sample_model: Model) -> None:
    doc = sample_model.documents[0]
    control = fake_history.released_control(doc.id, doc.distribution)
    fine = _history(sample_model, doc.id, control)
    assert not {"DOC-REVIEW-OVERDUE", "DOC-DRAFT-STALE"} & rules_at(sample_model, OK, fine)
    stale = dataclasses.replace(
        control,
        draft=True,
        draft_changes=(fake_history.change("9" * 40, "2026-01-05T10:00:00+08:00", "修改"),),
        review_overdue=True,
        next_review=date(2026, 3, 1),
    )
    found = rules_at(sample_model, OK, _history(sample_model, doc.id, stale))
    assert {"DOC-REVIEW-OVERDUE", "DOC-DRAFT-STALE"} <= found


def test_revision_needs_read_and_understood_by_its_distribution(sample_model: Model) -> None:
    doc = sample_model.documents[0]  # revision A/1 effective 2024-09-10 in the fake history
    history = _history(
        sample_model, doc.id, fake_history.released_control(doc.id, doc.distribution)
    )
    found = rules_at(sample_model, OK, history)
    assert "TRAINING-ACK-NONE" in found and "TRAINING-ACK-OVERDUE" not in found
    people = [p for p in sample_model.organisation.people if p.department in doc.distribution]

    def acknowledged_by(who: list[str]) -> Model:
        def change(data: Data) -> None:
            data["sessions"].append(
                {
                    "topic": f"{doc.id} A/1 宣贯",
                    "date": "2024-09-20",
                    "document": doc.id,
                    "revision": "A/1",
                    "attendees": who,
                }
            )

        return edit(sample_model, "TRN-2024-REC", change)

    everyone = acknowledged_by([p.id for p in people])
    assert not {"TRAINING-ACK-NONE", "TRAINING-ACK-OVERDUE"} & rules_at(everyone, OK, history)
    all_but_one = acknowledged_by([p.id for p in people[1:]])
    report, _issues = status_report(all_but_one, date.fromisoformat(OK), history)
    [finding] = [f for f in report.findings if f.rule == "TRAINING-ACK-OVERDUE"]
    assert people[0].name in finding.message and "发放范围内的 1 人" in finding.message


def test_organisation_can_tune_and_switch_off_rules(sample_model: Model) -> None:
    assert "CAL-DUE-SOON" not in rules_at(sample_model, "2026-11-01")
    data = {
        **sample_model.organisation.data,
        "checks": {
            "CAL-DUE-SOON": {"params": {"warn_days": 60}},
            "AUDIT-OVERDUE": {"severity": "off"},
        },
    }
    tuned = dataclasses.replace(
        sample_model, organisation=dataclasses.replace(sample_model.organisation, data=data)
    )
    assert "CAL-DUE-SOON" in rules_at(tuned, "2026-11-01")
    assert "AUDIT-OVERDUE" in rules_at(sample_model, "2026-12-01")
    assert "AUDIT-OVERDUE" not in rules_at(tuned, "2026-12-01")


def test_unknown_rule_override_is_reported(sample_model: Model) -> None:
    data = {**sample_model.organisation.data, "checks": {"NO-SUCH-RULE": {"severity": "off"}}}
    tuned = dataclasses.replace(
        sample_model, organisation=dataclasses.replace(sample_model.organisation, data=data)
    )
    _report, issues = status_report(tuned, date(2026, 6, 1))
    assert [i.code for i in issues] == ["CHECK-UNKNOWN-RULE"]


def test_organisation_names_its_own_carbon_roles(sample_model: Model) -> None:
    """A services company has other roles: role_training under checks: replaces the table."""
    people = [
        dataclasses.replace(p, roles=("能源管理员",)) for p in sample_model.organisation.people[:1]
    ]
    data = {**sample_model.organisation.data, "checks": {"role_training": {"能源管理员": ["news"]}}}
    organisation = dataclasses.replace(
        sample_model.organisation,
        data=data,
        people=tuple(people) + sample_model.organisation.people[1:],
    )
    tuned = dataclasses.replace(sample_model, organisation=organisation)
    report, issues = status_report(tuned, date.fromisoformat(OK))
    assert not issues
    found = [f for f in report.findings if f.rule == "TRAINING-ROLE-MISSING"]
    assert (
        len(found) == 1 and "能源管理员" in found[0].message and "国内外碳资讯" in found[0].message
    )


def _only_assessed_sources(data: Data, boundary: str | None) -> None:
    """SRC-2025 keeps only the 2024 sources (nothing new), one of them with `boundary`."""
    data["sources"] = [s for s in data["sources"] if s["id"] in {"S01", "S02", "S05"}]
    if boundary is not None:
        data["sources"][0]["boundary"] = boundary


def test_a_boundary_change_after_the_last_assessment_calls_for_a_new_one(
    sample_model: Model,
) -> None:
    """6.3: a source moved out of (or into) the Beijing boundary needs a new assessment."""
    assessed_2024 = drop(sample_model, "CA-2025")
    same = edit(assessed_2024, "SRC-2025", lambda d: _only_assessed_sources(d, None))
    assert "ASSESS-STALE" not in rules_at(same, OK)
    moved = edit(assessed_2024, "SRC-2025", lambda d: _only_assessed_sources(d, "out_of_city"))
    report, _issues = status_report(moved, date.fromisoformat(OK))
    stale = [f for f in report.findings if f.rule == "ASSESS-STALE"]
    assert len(stale) == 1 and "边界由固定设施改为京外场所" in stale[0].message, stale


def test_organisation_names_its_own_training_topics(sample_model: Model) -> None:
    """training_topics under checks: renames a 7.3 b topic and adds the words that find it."""

    def tuned(checks: dict[str, Any]) -> set[str]:
        data = {**sample_model.organisation.data, "checks": checks}
        organisation = dataclasses.replace(sample_model.organisation, data=data)
        people = [dataclasses.replace(p, roles=("能源管理员",)) for p in organisation.people[:1]]
        organisation = dataclasses.replace(
            organisation, people=tuple(people) + organisation.people[1:]
        )
        report, issues = status_report(
            dataclasses.replace(sample_model, organisation=organisation), date.fromisoformat(OK)
        )
        assert not issues
        return {f.message for f in report.findings if f.rule == "TRAINING-ROLE-MISSING"}

    roles = {"role_training": {"能源管理员": ["news"]}}
    assert any("国内外碳资讯" in m for m in tuned(roles))
    renamed = {**roles, "training_topics": {"news": {"title": "行业碳动态"}}}
    assert any("行业碳动态" in m for m in tuned(renamed))

"""The registers declared as data (registers.yaml) and the one generic row builder."""

from __future__ import annotations

import shutil

import pytest

from generator.content.schemas import load_schemas
from generator.render.tables.rows import FORMATTERS, build_register
from generator.render.tables.spec import Column, RegisterSpec, register_specs
from tests.support.fake_history import load_model, make_root, released_history
from tests.support.paths import SAMPLE

# the scopes each kind of source gives its rows
SCOPES = {"documents": {"document", "control"}, "copies": {"copy", "doc"}}


def _scopes(spec: RegisterSpec) -> set[str]:
    if spec.source in SCOPES:
        return SCOPES[spec.source]
    scopes = {"record", "meta"}
    if spec.items:
        scopes.add("item")
    if spec.latest:
        scopes.add("latest")
    return scopes


def test_every_declared_register_is_consistent() -> None:
    specs = register_specs()
    assert len(specs) == 10
    assert len({s.name for s in specs}) == len(specs) and len({s.key for s in specs}) == len(specs)
    for spec in specs:
        assert spec.columns and all(c.title and c.width > 0 for c in spec.columns), spec.name
        assert len(spec.child_columns) == (len(spec.columns) if spec.children else 0), spec.name
        for column in spec.columns:
            assert column.format in FORMATTERS, (spec.name, column)
            assert column.field.split(".")[0] in _scopes(spec), (spec.name, column)
        for column in spec.child_columns:
            assert column.const is not None or column.field.split(".")[0] in {
                *_scopes(spec),
                "child",
            }, (spec.name, column)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object, object]:
    root = make_root(tmp_path_factory.mktemp("specs") / "org")
    parts = (
        "internal-audits",
        "legal-register",
        "objectives",
        "nonconformities",
        "management-reviews",
    )
    for part in parts:
        if not (SAMPLE / "records" / part).is_dir():
            pytest.skip(f"sample records/{part} missing")
        shutil.copytree(SAMPLE / "records" / part, root / "records" / part)
    model = load_model(root)
    return model, released_history(model), load_schemas(root / "schemas", root)


def _spec(key: str) -> RegisterSpec:
    return next(s for s in register_specs() if s.key == key)


def test_items_children_and_latest_evaluation(sample: tuple[object, object, object]) -> None:
    model, history, schemas = sample
    objectives = build_register(_spec("objectives"), model, history, schemas)  # type: ignore[arg-type]
    targets = [row for row in objectives.rows if row[2] == "指标"]
    assert targets and all(row[1].startswith("　指标：") and row[3] == "" for row in targets)
    first_target = objectives.rows.index(targets[0])
    assert (
        first_target > 0 and objectives.rows[first_target - 1][2] != "指标"
    )  # follows its objective

    legal = build_register(_spec("legal-register"), model, history, schemas)  # type: ignore[arg-type]
    assert legal.rows and all(row[9] in ("是", "否", "未评价") for row in legal.rows)


def test_fallback_empty_and_const_columns(sample: tuple[object, object, object]) -> None:
    """A hand-made spec over the same builder: the options behave as declared."""
    model, history, schemas = sample
    spec = RegisterSpec(
        name="t",
        title="t",
        key="t",
        source="internal-audits",
        items="report.findings",
        empty_item=True,
        columns=(
            Column("编号", 2, "meta.id", "raw"),
            Column("日期", 2, "item.no_such_field", "plain", fallback="meta.date"),
            Column("常", 2, const="固定"),
            Column("组长", 2, "record.plan.leader", "person"),
        ),
    )
    register = build_register(spec, model, history, schemas)  # type: ignore[arg-type]
    audits = model.records_of("internal-audits")  # type: ignore[attr-defined]
    assert {row[0] for row in register.rows} == {r.id for r in audits}
    dates = {r.id: r.date_text for r in audits}
    assert all(row[1] == dates[row[0]] and row[2] == "固定" for row in register.rows)
    assert all(row[3] and row[3] != "" for row in register.rows)


def test_codes_stay_as_written_without_schemas(sample: tuple[object, object, object]) -> None:
    model, history, schemas = sample
    spec = _spec("internal-audits")
    with_words = build_register(spec, model, history, schemas)  # type: ignore[arg-type]
    as_written = build_register(spec, model, history, None)  # type: ignore[arg-type]
    assert len(with_words.rows) == len(as_written.rows)
    kinds = {row[7] for row in with_words.rows} - {""}
    codes = {row[7] for row in as_written.rows} - {""}
    assert kinds and codes and kinds != codes  # finding types in Chinese only through the schema

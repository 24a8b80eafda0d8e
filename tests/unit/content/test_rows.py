"""CSV tables are validated per distinct cell; a file with any bad cell gets the same issues
(file, line, field, Chinese message) as row-by-row validation gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content import rows, validate
from generator.content.project import load_project
from generator.core.config import Config

CSV = "records/meter-readings/zz-test.csv"
HEADER = "month,source,quantity,unit,meter,recorded_by\n"
GOOD = "2025-01,S01,12.5,t,M-01,lin-hui\n"

BAD_ROWS = {
    "type": "2025-02,S01,abc,t,M-01,lin-hui\n",
    "enum": "2025-02,S01,1,kg,M-01,lin-hui\n",
    "pattern": "2025-13,S01,1,t,M-01,lin-hui\n",
    "future month": "2099-01,S01,1,t,M-01,lin-hui\n",
    "unknown source": "2025-02,S99,1,t,M-01,lin-hui\n",
    "unknown person": "2025-02,S01,1,t,M-01,nobody\n",
    "missing required": "2025-02,,1,t,M-01,lin-hui\n",
}


def _issues(root: Path) -> list[tuple[object, ...]]:
    project = load_project(Config.for_root(root))
    return [(i.file, i.line, i.field, i.message, i.code, i.hint) for i in project.issues]


def _write(root: Path, text: str) -> None:
    (root / CSV).parent.mkdir(parents=True, exist_ok=True)
    (root / CSV).write_text(text, encoding="utf-8")


def test_a_valid_table_is_accepted_without_row_by_row_validation(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(sample_copy, HEADER + GOOD * 50)
    answers: list[bool] = []
    real = rows.table_is_valid

    def spy(*args: object) -> bool:
        answers.append(real(*args))  # type: ignore[arg-type]
        return answers[-1]

    monkeypatch.setattr(validate, "table_is_valid", spy)
    assert not [i for i in _issues(sample_copy) if i[0] == CSV]
    assert answers and all(answers)


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_bad_cell_gets_the_issues_of_row_by_row_validation(
    case: str, sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(sample_copy, HEADER + GOOD * 3 + BAD_ROWS[case] + GOOD)
    fast = _issues(sample_copy)
    monkeypatch.setattr(validate, "table_is_valid", lambda *args: False)
    assert fast == _issues(sample_copy)
    mine = [i for i in fast if i[0] == CSV]
    assert mine and all(i[1] == 5 and str(i[2]).startswith("rows/3") for i in mine), mine


def test_an_extra_column_is_reported_on_its_row(sample_copy: Path) -> None:
    _write(
        sample_copy,
        HEADER.strip() + ",colour\n" + GOOD.strip() + ",\n" + "2025-02,S01,1,t,M-01,lin-hui,red\n",
    )
    mine = [i for i in _issues(sample_copy) if i[0] == CSV]
    assert [(i[1], i[2], i[4]) for i in mine] == [
        (3, "rows/1/colour", "SCHEMA-ADDITIONALPROPERTIES")
    ]

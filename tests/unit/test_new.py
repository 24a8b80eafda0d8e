"""`cems new` scaffolds files that validate at once, for every kind and record type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.content.model import DOCUMENT_KINDS
from tests.support.paths import RESOURCES

RECORD_TYPES = sorted(
    p.name.removesuffix(".schema.json") for p in (RESOURCES / "schemas" / "records").iterdir()
)


@pytest.mark.parametrize("kind", list(DOCUMENT_KINDS))
def test_new_document_is_valid_draft_with_next_id(kind: str, sample_copy: Path, run_cli) -> None:
    code, out, err = run_cli("new", kind, "--root", str(sample_copy), "--title", "新建测试文件")
    assert code == 0, out + err
    rel = out.split(": ", 1)[1].strip()
    text = (sample_copy / rel).read_text(encoding="utf-8")
    assert "status: draft" in text and "title: 新建测试文件" in text
    code, out, err = run_cli("validate", "--root", str(sample_copy))
    assert code == 0, out + err


@pytest.mark.parametrize("record_type", RECORD_TYPES)
def test_new_record_is_valid(record_type: str, sample_copy: Path, run_cli) -> None:
    code, out, err = run_cli(
        "new",
        record_type,
        "--root",
        str(sample_copy),
        "--date",
        "2025-06-30",
        "--id",
        "NEW-TEST-01",
    )
    assert code == 0, out + err
    code, out, _ = run_cli("validate", "--root", str(sample_copy), "--format", "json")
    # valid but for the placeholders it leaves to fill in, each one located
    issues = json.loads(out)
    assert all(i["code"] in {"VALUE-PLACEHOLDER", "RECORD-EMPTY"} and i["line"] for i in issues)
    assert code == (1 if issues else 0)


def test_new_refuses_unknown_kind_and_existing_file(sample_copy: Path, run_cli) -> None:
    code, _, err = run_cli("new", "no-such-kind", "--root", str(sample_copy))
    assert code == 1 and "未知的记录类型" in err
    assert run_cli("new", "training", "--root", str(sample_copy), "--id", "NEW-TEST-02")[0] == 0
    scaffold = sample_copy / "records" / "training" / "NEW-TEST-02.yaml"
    scaffold.write_text(scaffold.read_text(encoding="utf-8").replace("待填写", "节能"), "utf-8")
    code, _, err = run_cli("new", "training", "--root", str(sample_copy), "--id", "NEW-TEST-02")
    assert code == 1 and "文件已存在" in err


def test_new_document_needs_a_title(sample_copy: Path, run_cli) -> None:
    code, _, err = run_cli("new", "procedure", "--root", str(sample_copy))
    assert code == 2 and "--title" in err

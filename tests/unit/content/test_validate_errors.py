"""Break a copy of the sample in many distinct ways; each error must name file, line, field and cause.

Each case edits one file and states the one issue `cems validate --format json` must report.
Line numbers are found from the edited text, so the cases read like what a user sees.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

DOC = "content/documents/procedures/CEMS-QP-04-文件和记录控制程序.md"
ORG = "content/organisation.yaml"
COMM = "records/communications/TEST-COMM.yaml"

COMM_TEXT = """\
id: TEST-COMM-01
title: 测试信息交流记录
date: "2025-03-10"
kind: disclosure
party: 公众
direction: outgoing
summary: 在公司网站发布年度碳排放信息。
responsible: lin-hui
"""


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    edit: Callable[[str], str]
    line_text: str | None  # the text of the line the issue must point at (None: no line)
    field: str
    message: str  # a substring of the message
    code: str


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


CASES = [
    Case(
        "bad type",
        DOC,
        replace("review_interval_months: 12", "review_interval_months: twelve"),
        "review_interval_months: twelve",
        "review_interval_months",
        "应为整数",
        "SCHEMA-TYPE",
    ),
    Case(
        "missing field",
        DOC,
        replace("owner: quality\n", ""),
        "id: CEMS-QP-04",
        "owner",
        "缺少必填字段 owner",
        "SCHEMA-REQUIRED",
    ),
    Case(
        "dangling person",
        DOC,
        replace("author: tang-wen", "author: tang-wenn"),
        "author: tang-wenn",
        "author",
        "引用的人员 'tang-wenn' 不存在",
        "SCHEMA-X-REF",
    ),
    Case(
        "dangling department",
        DOC,
        replace("owner: quality", "owner: qa"),
        "owner: qa",
        "owner",
        "引用的部门 'qa' 不存在",
        "SCHEMA-X-REF",
    ),
    Case(
        "unknown clause",
        DOC,
        replace('clauses: ["7.2"]', 'clauses: ["7.2", "11.3"]'),
        'clauses: ["7.2", "11.3"]',
        "clauses/1",
        "引用的标准条款 '11.3' 不存在",
        "SCHEMA-X-REF",
    ),
    Case(
        "malformed yaml",
        DOC,
        replace("title: 文件和记录控制程序", "title: [文件和记录控制程序"),
        "kind: procedure",
        "",
        "YAML 语法错误",
        "YAML-PARSE",
    ),
    Case(
        "duplicate key",
        DOC,
        replace("kind: procedure", "kind: procedure\ntitle: 重复"),
        "title: 重复",
        "title",
        "重复的键 'title'",
        "YAML-PARSE",
    ),
    Case(
        "enum",
        DOC,
        replace("status: effective", "status: active"),
        "status: active",
        "status",
        "不在允许范围内",
        "SCHEMA-ENUM",
    ),
    Case(
        "unknown field",
        DOC,
        replace("edition: A", "edition: A\nrevision: A/1"),
        "revision: A/1",
        "revision",
        "不认识的字段 'revision'",
        "SCHEMA-ADDITIONALPROPERTIES",
    ),
    Case(
        "id pattern",
        DOC,
        replace("id: CEMS-QP-04", "id: cems-qp-04"),
        "id: cems-qp-04",
        "id",
        "格式不正确",
        "SCHEMA-PATTERN",
    ),
    Case(
        "number for a string",
        DOC,
        replace("edition: A", "edition: 1.10"),
        "edition: 1.10",
        "edition",
        "应为文字",
        "SCHEMA-TYPE",
    ),
    Case(
        "approver is author",
        DOC,
        replace("author: tang-wen", "author: zhou-jianguo"),
        "approver: zhou-jianguo",
        "approver",
        "批准人不能是编制人本人",
        "RULE-APPROVER-IS-AUTHOR",
    ),
    Case(
        "approver not on roster",
        DOC,
        replace("approver: zhou-jianguo", "approver: he-jing"),
        "approver: he-jing",
        "approver",
        "不在单位的批准人名单中",
        "RULE-APPROVER-NOT-ON-ROSTER",
    ),
    Case(
        "obsolete without reason",
        DOC,
        replace("status: effective", "status: obsolete"),
        "id: CEMS-QP-04",
        "withdrawal_reason",
        "缺少必填字段 withdrawal_reason",
        "SCHEMA-REQUIRED",
    ),
    Case(
        "anchor and alias",
        DOC,
        replace(
            "distribution: [gm-office, energy-env, quality, production, facilities]",
            "distribution: &d [gm-office, energy-env, quality, production, facilities]\nrelated: *d",
        ),
        "related: *d",
        "related",
        "不允许使用 YAML 锚点和别名",
        "YAML-PARSE",
    ),
    Case(
        "yaml 1.1 boolean",
        ORG,
        replace("in_beijing: false", "in_beijing: no"),
        "in_beijing: no",
        "boundary/sites/1/in_beijing",
        "应为true 或 false",
        "SCHEMA-TYPE",
    ),
    Case(
        "missing front matter",
        DOC,
        lambda t: t.split("---\n", 2)[2],
        None,
        "",
        "缺少以 --- 开始和结束的文件头",
        "FRONT-MATTER-MISSING",
    ),
    Case(
        "unknown top management",
        ORG,
        replace("top_management: zhou-jianguo", "top_management: zhou"),
        "top_management: zhou",
        "top_management",
        "引用的人员 'zhou' 不存在",
        "SCHEMA-X-REF",
    ),
    Case(
        "wrong date",
        COMM,
        replace('date: "2025-03-10"', 'date: "2025-02-30"'),
        'date: "2025-02-30"',
        "date",
        "不是有效的date",
        "SCHEMA-FORMAT",
    ),
    Case(
        "record enum",
        COMM,
        replace("direction: outgoing", "direction: out"),
        "direction: out",
        "direction",
        "不在允许范围内",
        "SCHEMA-ENUM",
    ),
]


def _apply(root: Path, case: Case) -> str:
    path = root / case.file
    if case.file == COMM:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(COMM_TEXT, encoding="utf-8")
    text = case.edit(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    return text


def _line_number(text: str, line_text: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == line_text.strip():
            return number
    raise AssertionError(f"{line_text!r} not in edited text")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_breakage_is_reported_precisely(case: Case, sample_copy: Path, run_cli) -> None:
    text = _apply(sample_copy, case)
    code, out, err = run_cli("validate", "--root", str(sample_copy), "--format", "json")
    assert code == 1, out + err
    assert "Traceback" not in out + err
    issues = json.loads(out)
    mine = [i for i in issues if i["file"] == case.file and i["code"] == case.code]
    assert mine, f"no {case.code} issue for {case.file}: {issues}"
    issue = mine[0]
    assert case.message in issue["message"], issue
    assert issue["field"] == case.field, issue
    assert issue["severity"] == "error"
    if case.line_text is not None:
        assert issue["line"] == _line_number(text, case.line_text), issue
    # the breakage is the only error: nothing else in the sample is reported
    assert [i for i in issues if i["severity"] == "error"] == [issue], issues


def test_duplicate_document_id_names_both_places(sample_copy: Path, run_cli) -> None:
    source = sample_copy / DOC
    copy = source.with_name("CEMS-QP-99-副本.md")
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run_cli("validate", "--root", str(sample_copy), "--format", "json")
    assert code == 1
    dupes = [i for i in json.loads(out) if i["code"] == "XREF-DUPLICATE-ID"]
    assert len(dupes) == 1
    # files are read in sorted order, so the later name is the duplicate
    first, second = sorted([source.name, copy.name])
    assert dupes[0]["file"].endswith(second)
    assert dupes[0]["line"] == 3 and dupes[0]["field"] == "id"
    assert first in dupes[0]["message"] and "CEMS-QP-04" in dupes[0]["message"]


def test_unknown_record_type_and_bad_csv_cell(sample_copy: Path, run_cli) -> None:
    (sample_copy / "records" / "meter-reading").mkdir(parents=True, exist_ok=True)
    (sample_copy / "records" / "meter-reading" / "x.yaml").write_text("id: X\n", encoding="utf-8")
    readings = sample_copy / "records" / "meter-readings" / "zz-test.csv"
    readings.parent.mkdir(parents=True, exist_ok=True)
    readings.write_text(
        "month,source,quantity,unit\n2025-01,S01,12.5,t\n2025-02,S01,abc,t\n", encoding="utf-8"
    )
    code, out, _ = run_cli("validate", "--root", str(sample_copy), "--format", "json")
    assert code == 1
    issues = json.loads(out)
    unknown = [i for i in issues if i["code"] == "RECORD-TYPE-UNKNOWN"]
    assert unknown and unknown[0]["file"] == "records/meter-reading/x.yaml"
    bad = [
        i
        for i in issues
        if i["file"] == "records/meter-readings/zz-test.csv" and i["code"] == "SCHEMA-TYPE"
    ]
    assert bad and bad[0]["line"] == 3 and bad[0]["field"] == "rows/1/quantity", issues


def test_not_utf8_is_an_issue_not_a_crash(sample_copy: Path, run_cli) -> None:
    (sample_copy / DOC).write_bytes("---\nid: 文件\n---\n".encode("gb18030"))
    code, out, err = run_cli("validate", "--root", str(sample_copy))
    assert code == 1
    assert "FILE-ENCODING" in out and "Traceback" not in out + err


def test_text_output_lists_every_error_with_location_and_a_summary(
    sample_copy: Path, run_cli
) -> None:
    _apply(sample_copy, CASES[0])
    _apply(sample_copy, CASES[17])
    code, out, _ = run_cli("validate", "--root", str(sample_copy))
    assert code == 1
    assert f"{DOC}:13: error SCHEMA-TYPE [review_interval_months]" in out
    assert f"{ORG}:" in out and "[top_management]" in out
    assert "共 2 个错误" in out


def test_usage_error_exits_2(run_cli) -> None:
    code, _, _ = run_cli("validate", "--no-such-option")
    assert code == 2


def test_sample_is_valid(sample_root: Path, run_cli) -> None:
    code, out, err = run_cli("validate", "--root", str(sample_root))
    assert code == 0, out + err
    assert "校验通过" in out


def test_excluded_clause_claimed_by_a_document_is_a_warning(sample_copy: Path, run_cli) -> None:
    org = sample_copy / ORG
    org.write_text(
        org.read_text(encoding="utf-8")
        + 'exclusions:\n  - {clause: "7.2", reason: 测试：假设不适用}\n',
        encoding="utf-8",
    )
    code, out, _ = run_cli("validate", "--root", str(sample_copy), "--format", "json")
    warnings = [i for i in json.loads(out) if i["code"] == "RULE-EXCLUDED-CLAUSE"]
    assert code == 0 and warnings and all(w["severity"] == "warning" for w in warnings)
    assert any(w["file"] == DOC and w["field"] == "clauses/0" and w["line"] == 7 for w in warnings)
    assert run_cli("validate", "--root", str(sample_copy), "--strict")[0] == 1

"""A YAML mistake is reported on the line where it is, in Chinese, with PyYAML's words as the gist."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

RECORD = "records/communications/TEST-COMM.yaml"
GOOD = [
    "id: TEST-COMM-01",
    "title: 测试信息交流记录",
    'date: "2025-03-10"',
    "kind: disclosure",
    "party: 公众",
    "direction: outgoing",
    "summary: 在公司网站发布年度碳排放信息。",
    "responsible: lin-hui",
]


@pytest.mark.parametrize(
    ("line", "broken", "words"),
    [
        (5, "party 公众", "缺少冒号"),
        (7, "summary: 发布信息: 年度碳排放", "加引号"),
        (7, 'summary: "在公司网站发布', "引号没有闭合"),
        (5, "\tparty: 公众", "制表符"),
        (5, " party: 公众", "缩进"),
    ],
)
def test_yaml_syntax_error_names_its_line_in_chinese(
    sample_copy: Path, run_cli, line: int, broken: str, words: str
) -> None:
    lines = list(GOOD)
    lines[line - 1] = broken
    (sample_copy / RECORD).write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _err = run_cli("validate", "--root", str(sample_copy), "--format", "json")
    assert code == 1
    issue = next(i for i in json.loads(out) if i["file"] == RECORD)
    assert issue["code"] == "YAML-PARSE"
    assert issue["line"] == line, issue
    message = issue["message"]
    assert message.startswith("YAML 语法错误：") and words in message
    assert "(YAML syntax error: " in message  # the English gist follows the Chinese

"""Property-based: whatever front matter, record or Markdown is fed in, cems validates it to a
clean result or to located user errors (exit 0 or 1), never an internal error (exit 3).

One repository copy per test; each example only rewrites the generated files. A few examples
go through a whole build of a one-document repository.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.cli.main import main
from tests.support.paths import RESOURCES, SAMPLE

# no example database in the worktree, and no shrinking: a failure prints its example as found
SETTINGS = settings(
    max_examples=int(os.environ.get("CEMS_HYPOTHESIS_EXAMPLES", "30")),
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DOC = "content/documents/procedures/CEMS-QP-95-生成.md"
DOC_OK = "content/documents/procedures/CEMS-QP-01-正常.md"
RECORD = "records/communications/COM-2025-77.yaml"
CSV = "records/meter-readings/2026.csv"
NASTY = [
    "\x00", "\x1b[31m", "\x0b", "\ufffe", "=cmd|' /C calc'!A0", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "javascript:alert(1)", "../../../../etc/passwd", "待填写",
    "1e308", "-1", "2099-01-01", "2025-02-30", "&colon;", "`", "\t", "---", "{", "*a", "&a x",
    "!!python/object:os.system", "'", '"', "\\", "|", "%", "#", "\r\n",
]  # fmt: skip

text = st.one_of(st.text(max_size=40), st.sampled_from(NASTY))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    text,
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
DOC_KEYS = [
    "id", "title", "kind", "edition", "clauses", "owner", "author", "reviewer", "approver",
    "status", "review_interval_months", "distribution", "record_type", "related",
]  # fmt: skip
VALID_FRONT = {
    "id": "CEMS-QP-95",
    "title": "生成",
    "kind": "procedure",
    "edition": "A",
    "clauses": ["7.4"],
    "owner": "gm-office",
    "author": "song-jia",
    "reviewer": "lin-hui",
    "approver": "zhou-jianguo",
    "status": "draft",
    "review_interval_months": 12,
    "distribution": ["gm-office"],
}
front_matter = st.builds(
    lambda changes, drop: {
        **{k: v for k, v in VALID_FRONT.items() if k not in drop},
        **changes,
    },
    st.dictionaries(st.sampled_from([*DOC_KEYS, "extra"]), values, max_size=4),
    st.sets(st.sampled_from(DOC_KEYS), max_size=2),
)
markdown = st.lists(
    st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=30),
        st.sampled_from(["![图](", "](", "[x][r]\n\n[r]: ", "    <b onclick=x>", "```\n", "\n- "]),
    ),
    max_size=12,
).map("".join)


def _dump(data: Any) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:  # pragma: no cover - safe_dump writes any plain data
        return "{}\n"


def _validate(root: Path) -> tuple[int, list[dict[str, Any]], str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", "--root", str(root), "--format", "json"])
    issues = json.loads(out.getvalue()) if out.getvalue().strip() else []
    return code, issues, err.getvalue()


def _assert_located(code: int, issues: list[dict[str, Any]], err: str, files: set[str]) -> None:
    assert code in (0, 1), err
    assert "内部错误" not in err
    errors = [i for i in issues if i["severity"] == "error"]
    assert (code == 1) == bool(errors), err
    for issue in errors:
        assert issue["file"] and issue["message"], issue
        if issue["file"] in files and issue["code"] != "OS-ERROR":
            assert issue["line"], issue  # about a generated file: it says where


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-document repository (validates in milliseconds, unlike the whole sample)."""
    return _tiny_repo(tmp_path_factory.mktemp("prop"), "正文。", DOC_OK)


def _reset(repo: Path) -> None:
    for rel in (DOC, RECORD, CSV):
        (repo / rel).unlink(missing_ok=True)


@SETTINGS
@given(front=st.one_of(front_matter, st.text(max_size=80)), body=markdown)
def test_any_document_validates_or_is_located(repo: Path, front: Any, body: str) -> None:
    _reset(repo)
    head = _dump(front) if isinstance(front, dict) else front
    path = repo / DOC
    path.write_text(f"---\n{head}---\n\n{body}\n", encoding="utf-8", errors="surrogatepass")
    _assert_located(*_validate(repo), {DOC})


@SETTINGS
@given(record=values, raw=st.one_of(st.none(), st.text(max_size=80)))
def test_any_record_validates_or_is_located(repo: Path, record: Any, raw: str | None) -> None:
    _reset(repo)
    text = raw if raw is not None else _dump(record)
    (repo / RECORD).write_text(text, encoding="utf-8", errors="surrogatepass")
    _assert_located(*_validate(repo), {RECORD})


cell = st.one_of(st.sampled_from(NASTY), st.text(max_size=12), st.floats().map(repr))
row = st.lists(cell, min_size=0, max_size=7).map(lambda cells: ",".join(cells))


@SETTINGS
@given(rows=st.lists(row, max_size=5), header=st.booleans())
def test_any_csv_validates_or_is_located(repo: Path, rows: list[str], header: bool) -> None:
    _reset(repo)
    lines = (["month,source,quantity,unit,meter,recorded_by"] if header else []) + rows
    (repo / CSV).write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    _assert_located(*_validate(repo), {CSV})


def _tiny_repo(target: Path, body: str, rel: str = DOC) -> Path:
    shutil.copytree(RESOURCES / "schemas", target / "schemas")
    for folder in ("content/documents/procedures", "records/communications"):
        (target / folder).mkdir(parents=True, exist_ok=True)
    (target / "records" / "meter-readings").mkdir()
    shutil.copy2(SAMPLE / "content" / "organisation.yaml", target / "content")
    doc_id = rel.rsplit("/", 1)[-1][:10]
    front = _dump({**VALID_FRONT, "id": doc_id, "title": "生成 & `测试`"})
    (target / rel).write_text(f"---\n{front}---\n\n## 1 目的\n\n{body}\n", encoding="utf-8")
    return target


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=markdown)
def test_a_few_bodies_build(tmp_path_factory: pytest.TempPathFactory, body: str) -> None:
    """Whatever the body, the build either succeeds or reports located errors."""
    root = _tiny_repo(tmp_path_factory.mktemp("build"), body)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["build", "--root", str(root), "--jobs", "1"])
    assert code in (0, 1), err.getvalue()
    assert "内部错误" not in err.getvalue()
    if code == 0:
        for page in (root / "build" / "site").rglob("*.html"):
            assert "onerror=" not in page.read_text(encoding="utf-8"), page

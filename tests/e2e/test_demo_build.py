"""The README's first command, as a newcomer runs it: `cems demo DIR` builds and publishes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_demo_builds_copies_registers_site_and_one_version_per_release(
    tmp_path: Path, run_cli
) -> None:
    target = tmp_path / "cems-demo"
    code, out, err = run_cli("demo", str(target))
    assert code == 0, err
    assert "Traceback" not in out + err
    build = target / "build"
    for line in ("网站 (site):", "各版本网站 (site versions):", "Word 受控副本 (Word copies):"):
        assert line in out
    assert "逾期评审（演示）" in out and "CEMS-QP-04" in out
    assert (build / "site" / "index.html").is_file()
    assert len(list((build / "word").glob("CEMS-*.docx"))) >= 44
    assert list((build / "word" / "redlines").glob("*.docx"))
    assert list((build / "word" / "drafts").glob("CEMS-QP-10-*.docx"))
    assert list((build / "word" / "reports").glob("CA-*.docx"))
    versions = json.loads((build / "versions" / "versions.json").read_text(encoding="utf-8"))
    names = [v["version"] for v in versions]
    assert names[0] == "draft" and len(names) == 6
    assert versions[1]["aliases"] == ["latest"]
    for name in names:
        assert (build / "versions" / name / "index.html").is_file()
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    head = (target / ".git" / "HEAD").read_text(encoding="utf-8")
    assert manifest["commit"] and head.startswith("ref:")

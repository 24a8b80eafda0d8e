"""The validation cache: unchanged files keep their issues, anything they depend on re-checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.content import validate
from generator.content.project import load_project
from generator.core.config import Config
from tests.support.counting import count_calls
from tests.support.scripted_org import Org


def _codes(root: Path) -> list[str]:
    return [i.code for i in load_project(Config.for_root(root)).issues]


def test_unchanged_files_are_not_checked_again(git_repo, monkeypatch) -> None:
    org = Org(git_repo())
    org.doc("CEMS-QP-90")
    org.doc("CEMS-QP-91")
    calls = count_calls(monkeypatch, validate, "validate_file")
    assert _codes(org.root) == []
    first = calls[0]
    assert first == 3  # the organisation and two documents
    assert _codes(org.root) == []
    assert calls[0] == first
    assert (org.root / ".git" / "cems" / "validation.json").is_file()
    org.doc("CEMS-QP-91", body="改写。")  # one file changed: one file checked
    assert _codes(org.root) == []
    assert calls[0] == first + 1


def test_an_error_is_reported_again_from_the_cache(git_repo) -> None:
    org = Org(git_repo())
    rel = org.doc("CEMS-QP-90", status="valid")
    first = load_project(Config.for_root(org.root)).issues
    again = load_project(Config.for_root(org.root)).issues
    assert [i.code for i in first] == ["SCHEMA-ENUM"]
    assert again == first and again[0].file == rel and again[0].line


def test_a_removed_person_re_checks_every_reference(git_repo) -> None:
    org = Org(git_repo())
    org.doc("CEMS-QP-90")
    assert _codes(org.root) == []

    def drop_author(data: dict[str, Any]) -> None:
        data["people"] = [p for p in data["people"] if p["id"] != "tang-wen"]

    org.edit_organisation(drop_author)
    codes = _codes(org.root)
    assert "SCHEMA-X-REF" in codes  # the unchanged document's author is now unknown


def test_a_damaged_store_is_ignored(git_repo) -> None:
    org = Org(git_repo())
    org.doc("CEMS-QP-90", status="valid")
    _codes(org.root)
    store = org.root / ".git" / "cems" / "validation.json"
    data = json.loads(store.read_text(encoding="utf-8"))
    for key in data["files"]:
        data["files"][key] = [{"nonsense": 1}]
    store.write_text(json.dumps(data), encoding="utf-8")
    assert _codes(org.root) == ["SCHEMA-ENUM"]

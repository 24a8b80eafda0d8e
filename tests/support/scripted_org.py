"""Helpers for the history and release tests: a tiny organisation in a real git repository.

No tests here; the other test_history*/test_release* modules import `Org` from this module.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from generator.content.project import load_project
from generator.control.revisions import read_history
from generator.control.types import History
from generator.core.config import Config
from generator.core.issues import Issue
from tests.support.paths import RESOURCES, SAMPLE

KIND_FOLDERS = {"QP": "procedures", "WI": "instructions", "GZ": "rules"}


class Org:
    """A minimal valid content repository (sample organisation, own documents) under git."""

    def __init__(self, repo: Any) -> None:
        self.repo = repo
        self.root: Path = repo.path
        shutil.copytree(RESOURCES / "schemas", self.root / "schemas")
        (self.root / "content").mkdir(exist_ok=True)
        shutil.copy2(
            SAMPLE / "content" / "organisation.yaml", self.root / "content" / "organisation.yaml"
        )
        text = (self.root / "content" / "organisation.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        self.people = {p["id"]: (p["name"], p["email"]) for p in data["people"]}
        self.approvers = list(data["approvers"])

    def path_for(self, doc_id: str, title: str) -> str:
        kind = doc_id.split("-")[1]
        return f"content/documents/{KIND_FOLDERS[kind]}/{doc_id}-{title}.md"

    def doc(
        self,
        doc_id: str,
        *,
        title: str = "测试程序",
        edition: str = "A",
        status: str = "effective",
        distribution: tuple[str, ...] = ("quality", "production"),
        body: str = "测试正文。",
        path: str | None = None,
        reason: str = "",
    ) -> str:
        kind = {"QP": "procedure", "WI": "instruction", "GZ": "rule"}[doc_id.split("-")[1]]
        rel = path or self.path_for(doc_id, title)
        lines = [
            "---",
            f"id: {doc_id}",
            f"title: {title}",
            f"kind: {kind}",
            f"edition: {edition}",
            'clauses: ["7.2"]',
            "owner: quality",
            "author: tang-wen",
            "reviewer: lin-hui",
            "approver: zhou-jianguo",
            f"status: {status}",
            "review_interval_months: 12",
            f"distribution: [{', '.join(distribution)}]",
        ]
        if reason:
            lines.append(f"withdrawal_reason: {reason}")
        lines += ["---", "", "## 1 目的", "", body, ""]
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines), encoding="utf-8")
        return rel

    def ident(self, person: str) -> tuple[str, str]:
        return self.people[person]

    def commit(
        self,
        message: str,
        date: str,
        who: str = "tang-wen",
        reviewers: tuple[str, ...] | None = None,
    ) -> str:
        """Commit everything; reviewed by lin-hui (he-jing for lin-hui's own) unless named."""
        if reviewers is None:
            reviewers = ("he-jing",) if who == "lin-hui" else ("lin-hui",)
        trailer = "".join(
            f"\nReviewed-by: {self.people[r][0]} <{self.people[r][1]}>" for r in reviewers
        )
        full = message + ("\n" + trailer if trailer else "")
        return self.repo.commit(full, f"{date}T10:00:00+08:00", author=self.ident(who))

    def release(
        self,
        version: str,
        date: str,
        who: str = "zhou-jianguo",
        effective: str = "",
        *,
        ledger: bool = True,
        at: str = "HEAD",
        sign: bool = False,
    ) -> None:
        """An annotated release tag as `cems release` writes it (with the ledger line)."""
        message = f"发布 {version}" + (f"\n\nEffective-Date: {effective}" if effective else "")
        self.repo.tag(
            f"release/{version}",
            message,
            f"{date}T16:00:00+08:00",
            self.ident(who),
            ledger=ledger,
            at=at,
            sign=sign,
        )

    def edit_organisation(self, change: Callable[[dict[str, Any]], None]) -> None:
        """Change content/organisation.yaml (not committed)."""
        path = self.root / "content" / "organisation.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")

    def register_key(self, person: str, *, gpg: str = "", ssh: str = "") -> None:
        """Register a signing key (GPG fingerprint or SSH public key) for a person."""

        def change(data: dict[str, Any]) -> None:
            entry = next(p for p in data["people"] if p["id"] == person)
            if gpg:
                entry.setdefault("gpg_keys", []).append(gpg)
            if ssh:
                entry.setdefault("ssh_keys", []).append(ssh)

        self.edit_organisation(change)

    def set_policy(self, **releases: Any) -> None:
        """Set keys of the `releases:` block (require_signed, require_review, main_branch)."""
        self.edit_organisation(lambda data: data.setdefault("releases", {}).update(releases))

    def config(self) -> Config:
        return Config.for_root(self.root)

    def history(
        self, at: str | None = None, today: str | None = None
    ) -> tuple[History, list[Issue]]:
        project = load_project(self.config())
        assert project.model is not None, [i.format() for i in project.issues]
        day = date.fromisoformat(today) if today else None
        return read_history(self.config(), project.model, at, today=day)


def codes(issues: list[Issue]) -> list[str]:
    return [i.code for i in issues]

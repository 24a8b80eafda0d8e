"""`cems migrate`: what changed in the data format since this repository's `schema_version`.

`check` lists the changes (from resources/data/migrations.yaml) and whether the editor copy of
the schemas in .cems/schemas/ is older than the installed cems; `apply` performs the changes
that carry an action (top-level `set` / `rename` in organisation.yaml, edited as text so the
comments and layout stay) and refreshes the copy. Changes without an action stay listed.
"""

from __future__ import annotations

import filecmp
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.content.load import load_yaml_file
from generator.content.migrations import (
    Change,
    current_version,
    pending_changes,
    repository_version,
)
from generator.core.config import Config
from generator.core.issues import CemsError
from generator.core.resources import resource_path
from generator.ops.init import EDITOR_SCHEMAS, installed_version, write_editor_schemas


@dataclass(frozen=True)
class MigrationReport:
    version: int
    current: int
    changes: tuple[Change, ...]
    stale_editor_schemas: bool  # .cems/schemas differs from the installed schemas

    @property
    def up_to_date(self) -> bool:
        return not self.changes and not self.stale_editor_schemas


def _organisation(config: Config) -> dict[str, object]:
    source = load_yaml_file(config.organisation_file, config.rel(config.organisation_file))
    if source.issues or not isinstance(source.data, dict):
        raise CemsError("organisation.yaml 无法读取 (cannot read organisation.yaml)", source.issues)
    return source.data


def _stale(root: Path) -> bool:
    copy = root / EDITOR_SCHEMAS
    if not copy.is_dir():
        return False
    shipped = resource_path("schemas")
    names = {p.relative_to(shipped) for p in shipped.rglob("*.schema.json")}
    copied = {p.relative_to(copy) for p in copy.rglob("*.schema.json")}
    return names != copied or any(
        not filecmp.cmp(shipped / n, copy / n, shallow=False) for n in names
    )


def check_migrations(config: Config) -> MigrationReport:
    version = repository_version(_organisation(config))
    if version > current_version():
        raise CemsError(
            f"本仓库的数据格式版本 {version} 比本 cems 支持的 {current_version()} 新，请升级 cems "
            "(this repository needs a newer cems)"
        )
    return MigrationReport(
        version, current_version(), tuple(pending_changes(version)), _stale(config.root)
    )


def _set_top_level(text: str, key: str, value: object) -> str:
    line = f"{key}: {yaml.safe_dump(value, allow_unicode=True).strip().removesuffix('...').strip()}"
    pattern = re.compile(rf"(?m)^{re.escape(key)}:.*$")
    if pattern.search(text):
        return pattern.sub(line, text, count=1)
    lines = text.splitlines(keepends=True)
    at = next((i for i, t in enumerate(lines) if t.strip() and not t.startswith("#")), len(lines))
    return "".join([*lines[:at], line + "\n", *lines[at:]])


def _rename_top_level(text: str, old: str, new: str) -> str:
    return re.sub(rf"(?m)^{re.escape(old)}:", f"{new}:", text, count=1)


def apply_migrations(config: Config) -> list[str]:
    """Perform every automatic change; returns what was done, in order."""
    report = check_migrations(config)
    path = config.organisation_file
    text = path.read_text(encoding="utf-8")
    done = []
    for change in report.changes:
        action = change.action
        if not action:
            continue
        if "set" in action:
            text = _set_top_level(text, str(action["set"]), action["value"])
        elif "rename" in action:
            text = _rename_top_level(text, str(action["rename"]), str(action["to"]))
        done.append(change.describe())
    path.write_text(text, encoding="utf-8", newline="\n")
    if report.stale_editor_schemas:
        write_editor_schemas(config.root)
        marker = config.root / ".cems" / "config.yaml"
        if marker.is_file():
            marker.write_text(
                re.sub(
                    r"(?m)^cems_version:.*$",
                    f'cems_version: "{installed_version()}"',
                    marker.read_text(encoding="utf-8"),
                ),
                encoding="utf-8",
                newline="\n",
            )
        done.append(f"刷新 {EDITOR_SCHEMAS.as_posix()}/ (editor schemas refreshed)")
    return done

"""Editors must find a schema for every YAML file a quality manager edits."""

from __future__ import annotations

import json
from fnmatch import fnmatch
from pathlib import Path

from jsonschema import Draft202012Validator

from tests.support.paths import REPO_ROOT, RESOURCES, SAMPLE

ROOT = REPO_ROOT


def test_every_schema_is_a_valid_2020_12_schema_with_titles() -> None:
    for path in sorted((RESOURCES / "schemas").rglob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema.get("title"), path


def test_vscode_maps_every_yaml_record_type_to_its_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapped = {Path(schema).name: glob for schema, glob in settings["yaml.schemas"].items()}
    for path in sorted((RESOURCES / "schemas" / "records").glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if schema.get("x-format") == "csv":
            continue
        assert path.name in mapped, f"{path.name} missing from .vscode/settings.json"
        assert fnmatch(
            f"generator/resources/sample/records/{path.name.removesuffix('.schema.json')}/2025.yaml",
            mapped[path.name],
        )


def test_every_document_carries_a_modeline_that_resolves() -> None:
    # In a content repository (as `cems demo` writes it) schemas/ sits beside content/.
    for path in sorted((SAMPLE / "content" / "documents").rglob("*.md")):
        line = path.read_text(encoding="utf-8").splitlines()[1]
        assert line.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / line.split("$schema=", 1)[1].strip()).resolve()
        assert target == (SAMPLE / "schemas" / "document.schema.json").resolve(), path

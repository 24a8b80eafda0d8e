"""Where the product keeps its resources and sample, seen from the tests."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
RESOURCES = REPO_ROOT / "generator" / "resources"
SAMPLE = RESOURCES / "sample"

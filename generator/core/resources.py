"""Files shipped inside the package: schemas, templates, the base mkdocs.yml, data, the sample.

Read through `importlib.resources`, so an installed wheel works the same as a source checkout.
pip always unpacks wheels, so the resources are real folders; `resource_path` insists on that
because the site build, Jinja and copying need paths, not zip members.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

# libyaml's parser where PyYAML has it (5-10x faster on the data tables); the same safe types
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource (`resource_path("templates", "site")`)."""
    root = resources.files("generator") / "resources"
    path = Path(str(root.joinpath(*parts)))
    return path


def read_resource_text(*parts: str) -> str:
    return resource_path(*parts).read_text(encoding="utf-8")


def data_path(*parts: str) -> Path:
    """Tables of the product: clause catalogue, emission factors, units, the demo script."""
    return resource_path("data", *parts)


def sample_path() -> Path:
    """The sample organisation (content/ and records/)."""
    return resource_path("sample")


def parse_data_yaml(text: str) -> Any:
    """A shipped data table's YAML (safe types only)."""
    return yaml.load(text, Loader=_LOADER)

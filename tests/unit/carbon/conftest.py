"""A tiny content repository for carbon tests: the sample's schemas and organisation plus
records written by each test, so every expected number can be worked out by hand."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.content.model import Model
from generator.content.project import load_project, require_model
from generator.core.config import Config
from tests.support.paths import RESOURCES, SAMPLE


class CarbonRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(RESOURCES / "schemas", root / "schemas")
        (root / "content").mkdir()
        shutil.copy2(
            SAMPLE / "content" / "organisation.yaml", root / "content" / "organisation.yaml"
        )

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    def sources(self, year: int, body: str, header: str = "") -> None:
        """An emission-sources record; `body` is the YAML list under `sources:`."""
        text = (
            f'id: SRC-{year}\ntitle: {year} 年度碳排放源清单\ndate: "{year + 1}-01-20"\n'
            f"year: {year}\n{textwrap.dedent(header)}sources:\n"
        )
        self.write(f"records/emission-sources/{year}.yaml", text + textwrap.dedent(body))

    def readings(self, year: int, rows: list[str]) -> None:
        self.write(
            f"records/meter-readings/{year}.csv",
            "month,source,quantity,unit\n" + "\n".join(rows) + "\n",
        )

    def production(self, year: int, rows: list[str]) -> None:
        self.write(
            f"records/production/{year}.csv",
            "month,quantity,unit,output_value\n" + "\n".join(rows) + "\n",
        )

    src = staticmethod(lambda *args, **kwargs: _source(*args, **kwargs))

    def model(self) -> Model:
        project = load_project(Config.for_root(self.root))
        assert not project.issues, "\n".join(i.format() for i in project.issues)
        return require_model(project)


def _source(
    sid: str,
    category: str,
    fuel: str,
    unit: str,
    boundary: str = "fixed",
    status: str = "operating",
    extra: str = "",
) -> str:
    """One `sources:` item as YAML text."""
    text = (
        f"  - id: {sid}\n    name: 排放源 {sid}\n    spec: 测试设备\n    location: 厂区\n"
        f"    commissioned: 2015-01\n    category: {category}\n    fuel: {fuel}\n"
        f'    activity_unit: "{unit}"\n    boundary: {boundary}\n    status: {status}\n'
    )
    return text + "".join(f"    {line}\n" for line in extra.splitlines() if line.strip())


@pytest.fixture
def carbon_repo(tmp_path: Path) -> Callable[[], CarbonRepo]:
    def make() -> CarbonRepo:
        return CarbonRepo(tmp_path / "org")

    return make

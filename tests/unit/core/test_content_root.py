"""Root discovery: `.cems/config.yaml` may keep the organisation in a subfolder, never outside."""

from __future__ import annotations

from pathlib import Path

from generator.core.config import find_root
from tests.support.paths import REPO_ROOT, SAMPLE


def _org(folder: Path) -> Path:
    (folder / "content").mkdir(parents=True)
    (folder / "content" / "organisation.yaml").write_text("name: x\n", encoding="utf-8")
    return folder


def test_the_product_checkout_finds_its_sample() -> None:
    assert find_root(REPO_ROOT) == SAMPLE.resolve()
    assert find_root(REPO_ROOT / "benchmarks") == SAMPLE.resolve()


def test_content_root_names_a_subfolder_and_nothing_outside(tmp_path: Path) -> None:
    repo = tmp_path / "mono"
    inner = _org(repo / "碳管理")
    (repo / ".cems").mkdir(parents=True)
    marker = repo / ".cems" / "config.yaml"
    marker.write_text('content_root: "碳管理"\n', encoding="utf-8")
    assert find_root(repo / "docs") == inner.resolve()
    _org(tmp_path / "elsewhere")
    marker.write_text("content_root: ../elsewhere\n", encoding="utf-8")
    assert find_root(repo) == repo.resolve()  # outside the repository: ignored
    marker.write_text("content_root: missing\n", encoding="utf-8")
    assert find_root(repo) == repo.resolve()

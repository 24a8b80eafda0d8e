"""A scripted organisation with two releases and builds of each, for the verification tests.

release/2024.1 issues CEMS-QP-01 A/0, CEMS-QP-02 A/0 and CEMS-QP-03 A/0 to quality and
production; release/2024.2 revises QP-01 to A/1 and withdraws QP-03. `build_a` is the build
made at 2024.1 (superseded copies), `build_b` the one at 2024.2 (copies in force). No test
here; tests import `make_verify_org` and `forge`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.cli.main import main
from tests.conftest import GitRepo
from tests.support.scripted_org import Org


@dataclass(frozen=True)
class VerifyOrg:
    org: Org
    build_a: Path  # built at release/2024.1, with --copies
    build_b: Path  # built at release/2024.2, with --copies

    @property
    def root(self) -> Path:
        return self.org.root

    def master(self, build: Path, doc_id: str) -> Path:
        return next((build / "word").glob(f"{doc_id}-*.docx"))

    def department(self, build: Path, doc_id: str, dept: str = "quality") -> Path:
        return build / "word" / "copies" / dept / f"{doc_id}.docx"


def build(root: Path, out: Path, *extra: str) -> int:
    return main(["build", "--root", str(root), "--out", str(out), "--jobs", "1", *extra])


def make_verify_org(
    base: Path, *, organisation: str = "", site_url: str = "", second_release: bool = True
) -> VerifyOrg:
    (base / "org").mkdir(parents=True, exist_ok=True)
    org = Org(GitRepo(base / "org"))
    if organisation:
        path = org.root / "content" / "organisation.yaml"
        text = path.read_text(encoding="utf-8")
        old = text.split("name:", 1)[1].splitlines()[0].strip()
        path.write_text(text.replace(old, organisation, 1), encoding="utf-8")
    if site_url:
        from tests.support.paths import RESOURCES

        mkdocs = (RESOURCES / "mkdocs.yml").read_text(encoding="utf-8")
        (org.root / "mkdocs.yml").write_text(f"site_url: {site_url}\n{mkdocs}", encoding="utf-8")
    org.doc("CEMS-QP-01", title="文件控制程序", body="第一版正文。")
    org.doc("CEMS-QP-02", title="采购控制程序", body="采购正文。")
    org.doc("CEMS-QP-03", title="旧程序", body="即将作废的正文。")
    org.commit("编制三个程序", "2024-01-10", reviewers=("lin-hui",))
    org.release("2024.1", "2024-01-15", effective="2024-02-01")
    build_a = base / "build-a"
    assert build(org.root, build_a, "--copies") == 0
    if not second_release:
        return VerifyOrg(org, build_a, build_a)
    org.doc("CEMS-QP-01", title="文件控制程序", body="第二版正文。")
    org.doc("CEMS-QP-03", title="旧程序", status="obsolete", reason="并入 QP-01")
    org.commit("修订 QP-01，作废 QP-03", "2024-03-01", reviewers=("lin-hui",))
    org.release("2024.2", "2024-03-05")
    build_b = base / "build-b"
    assert build(org.root, build_b, "--copies") == 0
    return VerifyOrg(org, build_a, build_b)


Edit = Callable[[bytes], bytes]


def forge(source: Path, target: Path, edits: dict[str, Edit | None]) -> Path:
    """A copy of `source` with parts edited (None removes a part; a new name adds one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as forged:
        names = original.namelist()
        for name in names:
            edit = edits.get(name, lambda data: data)
            if name in edits and edit is None:
                continue
            assert edit is not None
            forged.writestr(name, edit(original.read(name)), zipfile.ZIP_DEFLATED)
        for name, edit in edits.items():
            if name not in names and edit is not None:
                forged.writestr(name, edit(b""), zipfile.ZIP_DEFLATED)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(out.getvalue())
    return target


def replace_text(old: str, new: str, count: int = 1) -> Edit:
    def edit(data: bytes) -> bytes:
        text = data.decode("utf-8")
        assert old in text, f"{old!r} not in the part"
        return text.replace(old, new, count).encode("utf-8")

    return edit

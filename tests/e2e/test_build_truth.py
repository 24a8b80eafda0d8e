"""Build outputs equal the truth: an empty start, one writer at a time, no withdrawn copies
issued, verification pages for every revision ever released, QR codes on every copy."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from generator.ops.build import LOCK_FOLDER
from generator.ops.docx_inspect import open_package
from generator.render.word.qr import qr_png
from tests.support.paths import REPO_ROOT
from tests.support.verify_org import VerifyOrg, build, make_verify_org


@pytest.fixture(scope="module")
def vorg(tmp_path_factory: pytest.TempPathFactory) -> VerifyOrg:
    return make_verify_org(tmp_path_factory.mktemp("truth"))


def _manifest(out: Path) -> dict[str, dict[str, str]]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {f["path"]: f for f in data["files"]}


def _outputs(out: Path) -> set[str]:
    """Every file the build wrote for users (the cache and the site's own tree aside)."""
    skip = (".cache/", "site/", "site-src/", "manifest.json")
    return {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and not p.relative_to(out).as_posix().startswith(skip)
    }


def test_withdrawn_documents_are_never_issued(vorg: VerifyOrg) -> None:
    copies = {p.relative_to(vorg.build_b).as_posix() for p in vorg.build_b.glob("word/copies/*/*")}
    assert copies == {
        f"word/copies/{dept}/{doc}.docx"
        for dept in ("quality", "production")
        for doc in ("CEMS-QP-01", "CEMS-QP-02")
    }
    assert not list((vorg.build_b / "word").glob("CEMS-QP-03-*.docx"))  # not beside copies in force
    withdrawn = _manifest(vorg.build_b)["word/withdrawn/CEMS-QP-03-旧程序.docx"]
    assert withdrawn["status"] == "withdrawn"
    # at 2024.1 QP-03 was in force and was issued
    assert (vorg.build_a / "word" / "copies" / "quality" / "CEMS-QP-03.docx").is_file()


def test_every_output_is_in_the_manifest_and_stale_files_do_not_survive(
    vorg: VerifyOrg, tmp_path: Path
) -> None:
    out = tmp_path / "build"
    assert build(vorg.root, out, "--copies") == 0
    first = _manifest(out)
    assert _outputs(out) == set(first)
    (out / "word" / "copies" / "quality" / "CEMS-OLD-99.docx").write_bytes(b"stale")
    (out / "word" / "CEMS-QP-01-文件控制程序.pdf").write_bytes(b"stale pdf")
    assert build(vorg.root, out) == 0  # without --copies this time
    second = _manifest(out)
    assert _outputs(out) == set(second)
    assert not (out / "word" / "copies").exists()
    # byte-reproducible: the same commit gives the same master copies (QR codes included)
    for path, entry in second.items():
        if path.startswith("word/") and path in first:
            assert first[path]["sha256"] == entry["sha256"], path


def test_an_unchanged_build_keeps_its_output_and_a_touched_one_is_rebuilt(
    vorg: VerifyOrg, tmp_path: Path
) -> None:
    """Nothing changed: the output folder is kept as it is (no file rewritten). One output
    file edited by hand: the next build is a full one and writes the genuine file again."""
    out = tmp_path / "build"
    assert build(vorg.root, out) == 0
    copy = next((out / "word").glob("CEMS-QP-01*.docx"))
    genuine, written = copy.read_bytes(), copy.stat().st_mtime_ns
    assert build(vorg.root, out) == 0
    assert copy.stat().st_mtime_ns == written  # kept, not rewritten
    copy.write_bytes(genuine + b"edited")
    (out / "site" / "stale.html").write_text("left over", encoding="utf-8")
    assert build(vorg.root, out) == 0
    assert copy.read_bytes() == genuine
    assert not (out / "site" / "stale.html").exists()
    assert _outputs(out) == set(_manifest(out))


def test_a_second_build_of_the_same_output_is_refused(vorg: VerifyOrg, tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert build(vorg.root, out) == 0
    before = _manifest(out)
    lock = out.parent / LOCK_FOLDER / "build.lock"
    holder = subprocess.Popen(  # another process holds the lock, as a running build would
        [
            sys.executable,
            "-c",
            "import sys, filelock; lock = filelock.FileLock(sys.argv[1]); lock.acquire();"
            " print('held', flush=True); sys.stdin.read()",
            str(lock),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        from generator.cli.main import main

        code = main(["build", "--root", str(vorg.root), "--out", str(out), "--jobs", "1"])
        assert code == 1
        assert _manifest(out) == before  # nothing lost, nothing half-written
        assert not out.with_name("build.partial").exists()
    finally:
        holder.communicate("")
    assert build(vorg.root, out) == 0  # once the other build is done, it runs
    from tests.conftest import GitRepo

    status = GitRepo(tmp_path).git("status", "--porcelain", "--untracked-files=all")
    assert "build/manifest.json" in status  # the outputs show ...
    assert LOCK_FOLDER not in status  # ... the lock folder ignores itself


def test_refusal_message(vorg: VerifyOrg, tmp_path: Path, run_cli) -> None:
    import filelock

    out = tmp_path / "build"
    (out.parent / LOCK_FOLDER).mkdir(parents=True)
    with filelock.FileLock(str(out.parent / LOCK_FOLDER / "build.lock")):
        code, _out, err = run_cli("build", "--root", str(vorg.root), "--out", str(out))
    assert code == 1 and "另一个 cems build" in err
    assert not out.exists()


def test_verification_pages_for_every_revision_ever_released(vorg: VerifyOrg) -> None:
    docs = vorg.build_b / "site-src" / "docs" / "verify"
    pages = sorted(p.parent.relative_to(docs).as_posix() for p in docs.rglob("index.md"))
    assert pages == [".", "CEMS-QP-01/A-0", "CEMS-QP-01/A-1", "CEMS-QP-02/A-0", "CEMS-QP-03/A-0"]
    assert (vorg.build_b / "site" / "verify" / "CEMS-QP-01" / "A-0" / "index.html").is_file()
    old = (docs / "CEMS-QP-01" / "A-0" / "index.md").read_text(encoding="utf-8")
    assert "已被 A/1 替代" in old and "2024-03-05" in old
    # the superseded revision's digest (rendered again) is the digest of the copy issued then
    issued = open_package(vorg.master(vorg.build_a, "CEMS-QP-01")).digest()
    assert issued in old
    current = (docs / "CEMS-QP-01" / "A-1" / "index.md").read_text(encoding="utf-8")
    assert "现行有效" in current
    for dept in ("quality", "production"):
        assert open_package(vorg.department(vorg.build_b, "CEMS-QP-01", dept)).digest() in current
    gone = (docs / "CEMS-QP-03" / "A-0" / "index.md").read_text(encoding="utf-8")
    assert "已作废" in gone and "2024-03-05" in gone
    # the page of the older site version said "in force" then
    then = vorg.build_a / "site-src" / "docs" / "verify" / "CEMS-QP-01" / "A-0" / "index.md"
    assert "现行有效" in then.read_text(encoding="utf-8")


def _cover_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_each_copy_carries_its_verification_link_and_qr(vorg: VerifyOrg) -> None:
    copy = vorg.department(vorg.build_b, "CEMS-QP-01")
    assert "verify/CEMS-QP-01/A-1/" in _cover_text(copy)  # no site_url: the path on the site
    package = open_package(copy)
    pictures = [d for n, d in package.parts.items() if n.startswith("word/media/")]
    assert qr_png("verify/CEMS-QP-01/A-1/") in pictures


def test_site_url_gives_an_absolute_link(tmp_path: Path) -> None:
    made = make_verify_org(
        tmp_path, site_url="https://docs.example.org/cems/", second_release=False
    )
    url = "https://docs.example.org/cems/verify/CEMS-QP-02/A-0/"
    copy = made.department(made.build_a, "CEMS-QP-02")
    assert url in _cover_text(copy)
    assert qr_png(url) in open_package(copy).parts.values()


def test_registers_verify_like_documents(vorg: VerifyOrg, tmp_path: Path, run_cli) -> None:
    from tests.support.verify_org import forge, replace_text

    name = "受控文件清单.docx"
    current = vorg.build_b / "word" / "registers" / name
    code, out, _err = run_cli("verify", str(current), "--root", str(vorg.root))
    assert code == 0, out
    older = vorg.build_a / "word" / "registers" / name  # genuine, from release/2024.1
    code, out, _err = run_cli("verify", str(older), "--root", str(vorg.root))
    assert code == 4 and "较早的提交" in out, out
    forged = forge(
        older, tmp_path / name, {"word/document.xml": replace_text("CEMS-QP-03", "CEMS-QP-09")}
    )
    code, out, _err = run_cli("verify", str(forged), "--root", str(vorg.root))
    assert code == 6, out


def test_editing_a_document_keeps_the_genuine_digests_and_record_tables_as_a_fresh_build(
    vorg: VerifyOrg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The genuine digest of a released revision comes from git, not the working text, and the
    generic record tables show no document text: after an edit both are reused, and the
    verification pages and workbooks are what a build with no cache at all writes."""
    from generator.ops.genuine import GenuineCopies
    from generator.render.tables import records

    root = tmp_path / "org"
    shutil.copytree(vorg.root, root, symlinks=True)
    out = tmp_path / "build"
    assert build(root, out) == 0
    path = next((root / "content" / "documents").rglob("CEMS-QP-01*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\n工作区中的新增要求。\n", "utf-8")
    rendered: list[str] = []
    original = GenuineCopies.digest

    def counting(self: GenuineCopies, ctx: Any) -> str:
        rendered.append(ctx.document.id)
        return original(self, ctx)

    monkeypatch.setattr(GenuineCopies, "digest", counting)
    contexts = [0]
    derive = GenuineCopies.document_context

    def counting_contexts(self: GenuineCopies, *args: Any) -> Any:
        contexts[0] += 1
        return derive(self, *args)

    monkeypatch.setattr(GenuineCopies, "document_context", counting_contexts)
    tables: list[Path] = []
    generic = records.render_record_tables

    def counting_tables(*args: Any, **kwargs: Any) -> Any:
        tables.append(args[3])
        return generic(*args, **kwargs)

    monkeypatch.setattr(records, "render_record_tables", counting_tables)
    assert build(root, out) == 0
    assert rendered == [] and contexts[0] == 0  # the whole answer came from its key
    assert tables == []  # the generic record tables do not show documents' text either
    shutil.rmtree(root / ".git" / "cems")
    fresh = tmp_path / "fresh"
    assert build(root, fresh) == 0  # no cache anywhere: every digest rendered again
    assert contexts[0] > 0 and tables
    workbooks = sorted((out / "xlsx").glob("*.xlsx"))
    assert workbooks
    for table in workbooks:
        assert table.read_bytes() == (fresh / "xlsx" / table.name).read_bytes(), table.name

    def pages(build_dir: Path) -> dict[str, str]:
        docs = build_dir / "site-src" / "docs" / "verify"
        return {
            p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(docs.rglob("index.md"))
        }

    assert pages(out) == pages(fresh) and len(pages(out)) == 5

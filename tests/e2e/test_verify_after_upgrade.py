"""A cems upgrade that changes the Word output must not turn older genuine copies into forgeries.

The scripted organisation (tests/support/verify_org.py) is published once; then an upgrade is
simulated by changing what the renderer writes (an extra style in styles.xml), so today's
re-render of every revision differs from the copies in the field. `cems verify` must still
accept each genuine copy through the digest register the published site recorded, say which
record matched, and still answer 6 for a forged copy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import __version__
from generator.ops import genuine
from generator.render.word.context import CopyContext
from generator.render.word.copy import copy_bytes
from tests.support.verify_org import VerifyOrg, forge, make_verify_org, replace_text

STYLES = "word/styles.xml"
UPGRADE_STYLE = (
    b'<w:style w:type="paragraph" w:styleId="CemsUpgrade"><w:name w:val="CemsUpgrade"/></w:style>'
)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[VerifyOrg, Path]:
    from generator.cli.main import main

    vorg = make_verify_org(tmp_path_factory.mktemp("upgrade"))
    out = tmp_path_factory.mktemp("site")
    code = main(
        [
            "publish",
            "--root",
            str(vorg.root),
            "--out",
            str(out),
            "--copies",
            "--today",
            "2024-04-01",
        ]
    )
    assert code == 0
    return vorg, out


@pytest.fixture
def upgraded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today's cems writes one more style into every copy it renders."""

    def changed(ctx: CopyContext, template: bytes) -> bytes:
        return forge_bytes(copy_bytes(ctx, template), {STYLES: _add_style})

    monkeypatch.setattr(genuine, "copy_bytes", changed)


def _add_style(data: bytes) -> bytes:
    assert b"</w:styles>" in data
    return data.replace(b"</w:styles>", UPGRADE_STYLE + b"</w:styles>")


def forge_bytes(data: bytes, edits: dict[str, Callable[[bytes], bytes]]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(out, "w") as changed:
        for info in original.infolist():
            part = original.read(info.filename)
            edit = edits.get(info.filename)
            changed.writestr(info, edit(part) if edit else part)
    return out.getvalue()


def verify(run_cli, vorg: VerifyOrg, copy: Path, *extra: str) -> tuple[int, dict[str, object]]:
    code, out, _err = run_cli(
        "verify", str(copy), "--root", str(vorg.root), "--format", "json", *extra
    )
    return code, json.loads(out)


def test_the_published_site_records_the_genuine_digests(published) -> None:
    _vorg, out = published
    register = json.loads((out / "versions" / "digests.json").read_text("utf-8"))
    claims = {(e["document"], e["revision"], e["number"]) for e in register["entries"]}
    assert ("CEMS-QP-01", "A/0", "母本") in claims and ("CEMS-QP-01", "A/1", "母本") in claims
    assert {e["cems"] for e in register["entries"]} == {__version__}
    assert (out / "versions" / "2024.1" / "verify" / "digests.json").is_file()


def test_an_older_genuine_copy_still_verifies_after_an_upgrade(
    published, upgraded, run_cli
) -> None:
    vorg, out = published
    current = vorg.master(vorg.build_b, "CEMS-QP-01")  # A/1, in force
    superseded = vorg.master(vorg.build_a, "CEMS-QP-01")  # A/0
    code, verdict = verify(run_cli, vorg, current)
    assert code == 6, verdict  # the defect: today's re-render differs
    code, verdict = verify(run_cli, vorg, current, "--published", str(out))
    assert code == 0, verdict
    assert "与发布站点 2024.2 记录的正本摘要一致" in str(verdict["record"])
    assert f"由 cems {__version__} 生成" in str(verdict["record"])
    code, verdict = verify(run_cli, vorg, superseded, "--published", str(out))
    assert code == 4 and "2024.1" in str(verdict["record"]), verdict
    code, text, _err = run_cli(
        "verify", str(current), "--root", str(vorg.root), "--published", str(out)
    )
    assert code == 0 and "记录的正本摘要一致" in text


def test_a_department_copy_verifies_through_the_build_register(
    published, upgraded, run_cli
) -> None:
    vorg, out = published
    copy = vorg.department(vorg.build_b, "CEMS-QP-01")
    code, verdict = verify(run_cli, vorg, copy, "--published", str(out))
    assert code == 0, verdict
    code, verdict = verify(run_cli, vorg, copy, "--published", str(vorg.build_b / "site"))
    assert code == 0 and "构建时记录" in str(verdict["record"]), verdict


def test_a_forged_copy_still_answers_6(published, upgraded, run_cli, tmp_path: Path) -> None:
    vorg, out = published
    genuine_copy = vorg.master(vorg.build_b, "CEMS-QP-01")
    edit = replace_text("第二版正文。", "第三版正文。")
    forged = forge(genuine_copy, tmp_path / "forged.docx", {"word/document.xml": edit})
    code, verdict = verify(run_cli, vorg, forged, "--published", str(out))
    assert code == 6 and not verdict["record"], verdict
    # the genuine copy of another claim: its digest is recorded, but not for this claim
    relabelled = forge(
        vorg.master(vorg.build_a, "CEMS-QP-02"),
        tmp_path / "relabelled.docx",
        {"docProps/custom.xml": replace_text("CEMS-QP-02", "CEMS-QP-01", 9)},
    )
    code, verdict = verify(run_cli, vorg, relabelled, "--published", str(out))
    assert code == 6, verdict


def test_the_configured_published_record_is_used_by_default(published, upgraded, run_cli) -> None:
    vorg, out = published
    record = out / "versions" / "versions.json"
    organisation = vorg.root / "content" / "organisation.yaml"
    text = organisation.read_text(encoding="utf-8")
    vorg.org.set_policy(published_record=str(record))
    try:
        code, verdict = verify(run_cli, vorg, vorg.master(vorg.build_b, "CEMS-QP-01"))
        assert code == 0 and "2024.2" in str(verdict["record"]), verdict
    finally:
        organisation.write_text(text, "utf-8")


def test_a_folder_without_a_register_is_a_clear_error(published, run_cli, tmp_path: Path) -> None:
    vorg, _out = published
    copy = vorg.master(vorg.build_b, "CEMS-QP-01")
    code, _out_text, err = run_cli(
        "verify", str(copy), "--root", str(vorg.root), "--published", str(tmp_path)
    )
    assert code == 1 and "找不到正本摘要登记表" in err

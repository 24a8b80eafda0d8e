"""`cems verify` cannot be fooled: every forged, relabelled or foreign copy answers 6.

One scripted organisation (two releases, builds at each, tests/support/verify_org.py); each
forgery edits a genuine copy the way a person with a zip tool and a text editor would, then
runs `cems verify` on it as a holder would.
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest

from tests.support.verify_org import VerifyOrg, forge, make_verify_org, replace_text

DOC = "word/document.xml"
HEADER = "word/header1.xml"
FOOTER = "word/footer1.xml"
CUSTOM = "docProps/custom.xml"
BODY_RUN = "<w:r><w:rPr/><w:t>第二版正文。</w:t></w:r>"


@pytest.fixture(scope="module")
def vorg(tmp_path_factory: pytest.TempPathFactory) -> VerifyOrg:
    return make_verify_org(tmp_path_factory.mktemp("verify"))


@pytest.fixture(scope="module")
def foreign(tmp_path_factory: pytest.TempPathFactory) -> VerifyOrg:
    """Another organisation's repository with the same document ids (one release)."""
    return make_verify_org(
        tmp_path_factory.mktemp("foreign"),
        organisation="北京某某建材有限公司",
        second_release=False,
    )


def verify(run_cli, vorg: VerifyOrg, path: Path) -> tuple[int, dict[str, object]]:
    code, out, _err = run_cli("verify", str(path), "--root", str(vorg.root), "--format", "json")
    return code, json.loads(out)


def _png(colour: int) -> bytes:
    """A valid 1x1 greyscale PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(bytes([0, colour]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _formatted(rpr: str):
    return replace_text(BODY_RUN, f"<w:r><w:rPr>{rpr}</w:rPr><w:t>第二版正文。</w:t></w:r>")


# (name, part edits) applied to the quality department's copy of CEMS-QP-01 A/1 (in force)
FORGERIES = {
    "header revision": {HEADER: replace_text("版本/修改状态：A/1", "版本/修改状态：A/2")},
    "header effective date": {HEADER: replace_text("生效日期：2024-03-05", "生效日期：2025-03-05")},
    "footer 受控 to 作废": {FOOTER: replace_text("受控状态：受控", "受控状态：作废")},
    "body text edited": {DOC: replace_text("第二版正文。", "随意修改的正文。")},
    "body text hidden": {DOC: _formatted("<w:vanish/>")},
    "body struck through": {DOC: _formatted("<w:strike/>")},
    "body double struck": {DOC: _formatted("<w:dstrike/>")},
    "body coloured white": {DOC: _formatted('<w:color w:val="FFFFFF"/>')},
    "body highlighted": {DOC: _formatted('<w:highlight w:val="yellow"/>')},
    "body font size": {DOC: _formatted('<w:sz w:val="2"/>')},
    "style hides all text": {
        "word/styles.xml": replace_text("<w:rPrDefault><w:rPr>", "<w:rPrDefault><w:rPr><w:vanish/>")
    },
    "image replaced": {"word/media/image1.png": lambda _data: _png(0)},
    "image added": {"word/media/image9.png": lambda _data: _png(255)},
    "custom distribution number": {CUSTOM: replace_text(">QP01-01<", ">QP01-02<")},
    "custom document id": {CUSTOM: replace_text(">CEMS-QP-01<", ">CEMS-QP-02<")},
    "custom status": {CUSTOM: replace_text(">in_force<", ">withdrawn<")},
    "custom property added": {
        CUSTOM: replace_text(
            "</Properties>",
            '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="20" '
            'name="cems.note"><vt:lpwstr>x</vt:lpwstr></property></Properties>',
        )
    },
    "core title": {"docProps/core.xml": replace_text("文件控制程序", "采购控制程序")},
    "numbering removed": {"word/numbering.xml": None},
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_forged_copy_answers_6(name: str, vorg: VerifyOrg, tmp_path: Path, run_cli) -> None:
    genuine = vorg.department(vorg.build_b, "CEMS-QP-01")
    forged = forge(genuine, tmp_path / "forged.docx", FORGERIES[name])
    code, verdict = verify(run_cli, vorg, forged)
    assert code == 6, verdict
    assert verdict["state"] in ("altered", "unknown")
    assert "现行有效" not in str(verdict["message"])


def test_the_genuine_copies_verify(vorg: VerifyOrg, run_cli) -> None:
    assert verify(run_cli, vorg, vorg.department(vorg.build_b, "CEMS-QP-01"))[0] == 0
    assert verify(run_cli, vorg, vorg.master(vorg.build_b, "CEMS-QP-01"))[0] == 0
    assert verify(run_cli, vorg, vorg.department(vorg.build_b, "CEMS-QP-02", "production"))[0] == 0
    code, verdict = verify(run_cli, vorg, vorg.department(vorg.build_a, "CEMS-QP-01"))
    assert (code, verdict["current_revision"]) == (4, "A/1")  # genuine but superseded
    assert "2024-03-05" in str(verdict["message"])
    code, verdict = verify(run_cli, vorg, vorg.department(vorg.build_a, "CEMS-QP-03"))
    assert code == 5 and "2024-03-05" in str(verdict["message"])  # issued, later withdrawn
    withdrawn = next((vorg.build_b / "word" / "withdrawn").glob("CEMS-QP-03-*.docx"))
    assert verify(run_cli, vorg, withdrawn)[0] == 5


def test_a_superseded_copy_relabelled_as_the_new_revision(
    vorg: VerifyOrg, tmp_path: Path, run_cli
) -> None:
    old = vorg.department(vorg.build_a, "CEMS-QP-01")
    new = vorg.department(vorg.build_b, "CEMS-QP-01")
    from generator.ops.docx_inspect import open_package

    old_props = open_package(old).custom_properties()
    new_props = open_package(new).custom_properties()
    forged = forge(
        old,
        tmp_path / "relabelled.docx",
        {
            CUSTOM: lambda data: (
                data.decode()
                .replace(old_props["cems.commit"], new_props["cems.commit"])
                .replace(">A/0<", ">A/1<")
                .encode()
            ),
            HEADER: replace_text("A/0", "A/1"),
            FOOTER: replace_text(old_props["cems.commit"][:12], new_props["cems.commit"][:12]),
        },
    )
    code, verdict = verify(run_cli, vorg, forged)
    assert code == 6 and verdict["state"] == "altered", verdict
    assert "正文" in str(verdict["message"])  # names what differs


def test_a_distribution_number_never_issued(vorg: VerifyOrg, tmp_path: Path, run_cli) -> None:
    forged = forge(
        vorg.department(vorg.build_b, "CEMS-QP-01"),
        tmp_path / "numbered.docx",
        {
            CUSTOM: replace_text(">QP01-01<", ">QP01-07<"),
            FOOTER: replace_text("QP01-01", "QP01-07"),
        },
    )
    code, verdict = verify(run_cli, vorg, forged)
    assert code == 6 and "发放记录" in str(verdict["message"])


def test_copies_of_another_organisation(
    vorg: VerifyOrg, foreign: VerifyOrg, tmp_path: Path, run_cli
) -> None:
    theirs = foreign.department(foreign.build_a, "CEMS-QP-02")
    code, verdict = verify(run_cli, vorg, theirs)
    assert code == 6 and "其他组织" in str(verdict["message"])
    # the same copy with our name in its properties still differs from our genuine copy
    ours = open_package_name(vorg)
    relabelled = forge(
        theirs, tmp_path / "ours.docx", {CUSTOM: replace_text("北京某某建材有限公司", ours)}
    )
    assert verify(run_cli, vorg, relabelled)[0] == 6


def open_package_name(vorg: VerifyOrg) -> str:
    from generator.ops.docx_inspect import open_package

    props = open_package(vorg.master(vorg.build_b, "CEMS-QP-02")).custom_properties()
    return props["cems.organisation"]


def test_not_a_copy_at_all(vorg: VerifyOrg, tmp_path: Path, run_cli) -> None:
    from docx import Document

    plain = tmp_path / "plain.docx"
    Document().save(str(plain))
    junk = tmp_path / "junk.docx"
    junk.write_text("not a zip", encoding="utf-8")
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    stripped = forge(
        vorg.master(vorg.build_b, "CEMS-QP-01"), tmp_path / "stripped.docx", {CUSTOM: None}
    )
    for path in (plain, junk, empty, stripped):
        code, verdict = verify(run_cli, vorg, path)
        assert code == 6, (path.name, verdict)


def test_text_output_names_the_digests(vorg: VerifyOrg, run_cli) -> None:
    code, out, _err = run_cli(
        "verify", str(vorg.master(vorg.build_b, "CEMS-QP-01")), "--root", str(vorg.root)
    )
    assert code == 0 and "现行有效" in out and "真实副本摘要" in out

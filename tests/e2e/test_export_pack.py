"""`cems export` and `cems verify-pack` on a released copy of the sample: one export per module."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

CHEN = ("陈晓宇", "chen.xiaoyu@yanling-ceramics.example")
ZHOU = ("周建国", "zhou.jianguo@yanling-ceramics.example")
REPORT = "reports/ER-2025-二氧化碳排放报告"


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    from generator.cli.main import main
    from tests.conftest import GitRepo, copy_sample

    root = copy_sample(tmp_path_factory.mktemp("org"))
    repo = GitRepo(root)
    repo.commit("建立体系文件和记录", "2026-03-02T09:00:00+08:00", CHEN)
    repo.tag(
        "release/2026.1",
        "首次发布\n\nEffective-Date: 2026-03-10",
        "2026-03-05T16:00:00+08:00",
        ZHOU,
    )
    out = tmp_path_factory.mktemp("out") / "pack.zip"
    args = ["export", "--root", str(root), "--year", "2025", "--as-of", "2026-03-15", "--out"]
    assert main([*args, str(out)]) == 0
    return root, out, repo.git("rev-parse", "HEAD").strip()


def _names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _read(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of the pack with members replaced (bytes), removed (None) or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in change:
                data = change[info.filename]
                if data is not None:
                    new.writestr(info, data)
            else:
                new.writestr(info, old.read(info.filename))
        for name, data in change.items():
            if name not in old.namelist() and data is not None:
                new.writestr(name, data)
    return target


def test_pack_contents_and_manifest(pack) -> None:
    _root, path, head = pack
    names = _names(path)
    assert names == sorted(names)
    manifest = json.loads(_read(path, "manifest.json"))
    assert manifest["commit"] == head and manifest["release"] == "release/2026.1"
    assert manifest["year"] == 2025 and manifest["as_of"] == "2026-03-15"
    listed = {f["path"] for f in manifest["files"]}
    assert listed == set(names) - {"manifest.json"}
    for expected in (
        f"{REPORT}.docx",
        f"{REPORT}.xlsx",
        "reports/CA-2025-碳评估报告.docx",
        "carbon/carbon-2025.json",
        "compliance/compliance-2025.json",
        "records/allowance-ledger/2025.yaml",
        "records/verifications/2025.yaml",
        "records/verifications/evidence/VER-2025-report.pdf",
        "records/calibration/2025.yaml",
        "records/monitoring-plan/2025.yaml",
        "records/legal-register/2025.yaml",
        "provenance.json",
    ):
        assert expected in names, expected
    assert any(n.startswith("documents/CEMS-M-01") for n in names)  # in force on 2026-03-15
    assert manifest["attachments"] == ["records/verifications/evidence/VER-2025-report.pdf"]
    provenance = json.loads(_read(path, "provenance.json"))
    origin = provenance["records/verifications/2025.yaml"]
    assert origin["recorded_by"] == "陈晓宇" and origin["commit"] == head
    assert origin["corrections"] == 0 and origin["released_in"] == "release/2026.1"
    with zipfile.ZipFile(path) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_pack_documents_follow_the_as_of_date(pack, tmp_path: Path) -> None:
    from generator.cli.main import main

    root, _path, _head = pack
    early = tmp_path / "early.zip"
    assert main(["export", "--root", str(root), "--year", "2025", "--as-of", "2026-03-09",
                 "--out", str(early)]) == 0  # fmt: skip
    names = _names(early)
    assert not [n for n in names if n.startswith("documents/")]  # nothing in force yet
    assert json.loads(_read(early, "manifest.json"))["release"] == ""
    # same commit, same date: the same bytes (the module's export used another date)
    again = tmp_path / "again.zip"
    assert main(["export", "--root", str(root), "--year", "2025", "--as-of", "2026-03-09",
                 "--out", str(again)]) == 0  # fmt: skip
    assert early.read_bytes() == again.read_bytes()


def test_emission_report_word_and_excel(pack) -> None:
    _root, path, _head = pack
    document = Document(io.BytesIO(_read(path, f"{REPORT}.docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2025 年度二氧化碳排放报告" in text
    for heading in ("一、报告主体基本信息", "五、活动数据和排放因子（来源及是否实测）",
                    "七、月度排放数据", "十、数据质量声明"):  # fmt: skip
        assert heading in text
    workbook = load_workbook(io.BytesIO(_read(path, f"{REPORT}.xlsx")))
    monthly = workbook["月度数据"]
    rows = list(monthly.iter_rows(values_only=True))
    assert rows[0][0] == "月份" and len(rows) == 13
    total = sum(r[5] for r in rows[1:])
    assert round(total, 1) == 55313.1  # the year's total, month by month


def test_verify_pack_accepts_the_export(pack, run_cli) -> None:
    _root, path, _head = pack
    code, out, _err = run_cli("verify-pack", str(path))
    assert code == 0 and "证据包完好" in out


def test_any_changed_file_fails_verification(pack, run_cli, tmp_path: Path) -> None:
    _root, path, _head = pack
    names = _names(path)
    by_type: dict[str, str] = {}
    for name in names:
        by_type.setdefault(Path(name).suffix, name)
    assert {".docx", ".xlsx", ".json", ".md", ".yaml", ".csv", ".pdf"} <= set(by_type)
    for suffix, name in sorted(by_type.items()):
        data = _read(path, name)
        changed = data[:-1] + bytes([data[-1] ^ 1])  # one bit of the last byte
        if name == "manifest.json":  # still valid JSON: change the release it claims
            changed = data.replace(b'"release/2026.1"', b'"release/2099.1"')
            assert changed != data
        target = _rewrite(path, tmp_path / f"changed{suffix}.zip", {name: changed})
        code, _out, err = run_cli("verify-pack", str(target))
        assert code == 6, name
        assert name in err


def test_added_or_removed_files_fail_verification(pack, run_cli, tmp_path: Path) -> None:
    _root, path, _head = pack
    added = _rewrite(path, tmp_path / "added.zip", {"records/extra.yaml": b"id: X\n"})
    code, _out, err = run_cli("verify-pack", str(added))
    assert code == 6 and "records/extra.yaml" in err
    removed = _rewrite(path, tmp_path / "removed.zip", {"provenance.json": None})
    code, _out, err = run_cli("verify-pack", str(removed))
    assert code == 6 and "provenance.json" in err


def test_export_without_git_is_refused(sample_copy: Path, run_cli, tmp_path: Path) -> None:
    code, _out, err = run_cli("export", "--root", str(sample_copy), "--year", "2025",
                              "--out", str(tmp_path / "p.zip"))  # fmt: skip
    assert code == 1 and "git" in err


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftotext"),
    reason="LibreOffice and poppler-utils are needed",
)
def test_pdf_copies_sit_beside_the_word_copies(pack, run_cli, tmp_path: Path) -> None:
    root, _path, _head = pack
    target = tmp_path / "pdf.zip"
    # before the release nothing is in force: only the two reports are converted (fast)
    code, _out, _err = run_cli("export", "--root", str(root), "--year", "2025", "--as-of",
                               "2026-03-09", "--pdf", "--out", str(target))  # fmt: skip
    assert code == 0
    pdf = f"{REPORT}.pdf"
    assert pdf in _names(target)
    (tmp_path / "er.pdf").write_bytes(_read(target, pdf))
    text = subprocess.run(["pdftotext", str(tmp_path / "er.pdf"), "-"], capture_output=True,
                          text=True, encoding="utf-8", check=True).stdout  # fmt: skip
    assert "二氧化碳排放报告" in text and "七、月度排放数据" in text
    assert run_cli("verify-pack", str(target))[0] == 0

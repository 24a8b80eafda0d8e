"""End to end: a controlled copy opens in LibreOffice and prints the Chinese header right."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.core.config import Config
from generator.render.word.copy import render_word, write_pdfs
from tests.support.fake_history import load_model, make_root, released_history

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("soffice") or shutil.which("libreoffice"))
        or not shutil.which("pdftotext"),
        reason="LibreOffice and poppler-utils are needed",
    ),
]


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, check=True, encoding="utf-8").stdout


def test_copy_converts_to_pdf_with_header_and_page_numbers(tmp_path: Path) -> None:
    root = make_root(tmp_path / "org")
    model = load_model(root)
    out = tmp_path / "out"
    files = render_word(model, released_history(model), Config.for_root(root), out, jobs=1)
    pdfs = write_pdfs([out / f.path for f in files], out)
    assert [p.path for p in pdfs] == ["pdf/CEMS-QP-04-文件和记录控制程序.pdf"]
    pdf = out / pdfs[0].path
    pages = int(
        next(
            line.split()[-1]
            for line in _run("pdfinfo", str(pdf)).splitlines()
            if line.startswith("Pages:")
        )
    )
    assert pages >= 2  # cover page, then the body
    text = _run("pdftotext", "-layout", str(pdf), "-")
    assert "文件和记录控制程序" in text
    compact = re.sub(r"[ \t]+", "", text)  # pdftotext drops or adds spaces around CJK
    assert f"第1页共{pages}页" in compact and f"第{pages}页共{pages}页" in compact
    assert "文件编号：CEMS-QP-04" in compact and "版本/修改状态：A/1" in compact
    assert "\ufffd" not in text
    fonts = _run("pdffonts", str(pdf))
    assert "CJK" in fonts  # Chinese glyphs come from a CJK font (no tofu boxes)

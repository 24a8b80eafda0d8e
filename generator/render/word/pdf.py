"""PDF copies of generated .docx files through LibreOffice headless (`cems build --pdf`).

LibreOffice is an outside program: when it is missing or fails, the build stops with a
message that says what to install, never with a half-written pdf folder and no word.
PDFs are not byte-reproducible (LibreOffice stamps its own creation date); the .docx is the
controlled master and carries the hashes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

from generator.core.issues import CemsError, Issue
from generator.manifest import GeneratedFile, generated

SOFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 600


def find_soffice() -> str | None:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf_path(docx: Path, out_dir: Path) -> Path:
    """out/word/x/<name>.docx -> out/pdf/x/<name>.pdf (same sub-folders, no name clashes)."""
    rel = docx.resolve().relative_to(out_dir.resolve())
    parts = rel.parts[1:] if rel.parts and rel.parts[0] == "word" else rel.parts
    return out_dir / "pdf" / Path(*parts).with_suffix(".pdf")


def write_pdfs(paths: list[Path], out_dir: Path) -> list[GeneratedFile]:
    """Convert .docx files under `out_dir` to PDF under `out_dir/pdf/`; one LibreOffice run
    per target folder (starting LibreOffice costs more than converting a document)."""
    soffice = find_soffice()
    if soffice is None:
        raise CemsError(
            "未找到 LibreOffice，无法生成 PDF (LibreOffice not found)",
            [
                Issue(
                    "",
                    None,
                    "",
                    "soffice/libreoffice 不在 PATH 中",
                    code="PDF-NO-LIBREOFFICE",
                    hint="安装 LibreOffice（Debian: apt-get install libreoffice-writer-nogui），"
                    "或去掉 --pdf。",
                )
            ],
        )
    groups: dict[Path, list[Path]] = defaultdict(list)
    for path in sorted(paths):
        groups[pdf_path(path, out_dir).parent].append(path)
    results = []
    with tempfile.TemporaryDirectory(prefix="cems-lo-") as profile:
        for target, sources in sorted(groups.items()):
            target.mkdir(parents=True, exist_ok=True)
            _convert(soffice, Path(profile), target, sources)
            for source in sources:
                pdf = target / source.with_suffix(".pdf").name
                if not pdf.is_file():
                    raise CemsError(f"LibreOffice 未能转换 {source.name} (conversion failed)")
                results.append(generated(out_dir, pdf, status="pdf"))
    return sorted(results)


def _convert(soffice: str, profile: Path, target: Path, sources: list[Path]) -> None:
    # A private profile lets several builds run at once and keeps the user's settings out.
    args = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(target),
        *map(str, sources),
    ]
    try:
        subprocess.run(
            args,
            capture_output=True,
            check=True,
            timeout=TIMEOUT_SECONDS,
            encoding="utf-8",
            errors="replace",
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        raise CemsError(f"LibreOffice 转换失败 (conversion failed): {error}") from error

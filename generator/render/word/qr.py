"""The verification link of a controlled copy: a short URL and a QR code on its cover.

A holder without the repository scans the code (or types the URL) and lands on the published
site's page for that document and revision, which says whether it is in force, superseded
(by which revision, since when) or withdrawn, with the digest of the genuine copy. The page
path is shared with the site renderer (`verification_path`), so the two cannot drift apart.
The QR PNG is a pure function of the URL, so builds stay byte-reproducible.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

import yaml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

VERIFY_FOLDER = "verify"


def revision_slug(label: str) -> str:
    """A/1 -> A-1 (a path segment)."""
    return label.replace("/", "-")


def verification_path(document_id: str, label: str) -> str:
    """`verify/<ID>/<A-1>/`: the site page of one released revision (directory URL)."""
    return f"{VERIFY_FOLDER}/{document_id}/{revision_slug(label)}/"


def site_url(root: Path) -> str:
    """`site_url` of the repository's mkdocs.yml, "" when unset or unreadable."""
    path = root / "mkdocs.yml"
    if not path.is_file():
        return ""
    try:
        return _site_url(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError):
        return ""


@functools.lru_cache(maxsize=8)
def _site_url(text: str) -> str:
    """Parsed once per distinct mkdocs.yml text (every copy's cover asks for it)."""
    try:
        data = yaml.load(text, Loader=_Lenient)
    except yaml.YAMLError:
        return ""
    value = data.get("site_url") if isinstance(data, dict) else None
    return value.strip() if isinstance(value, str) else ""


class _Lenient(yaml.SafeLoader):
    """SafeLoader that reads MkDocs' `!!python/name:` and `!ENV` tags as plain values."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)


def verification_url(root: Path, document_id: str, label: str) -> str:
    """The absolute URL when mkdocs.yml names the site, else the path relative to the site."""
    base = site_url(root)
    path = verification_path(document_id, label)
    return f"{base.rstrip('/')}/{path}" if base else path


def qr_png(text: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def add_verification(document: Any, url: str) -> None:
    """QR code and URL, inserted before the cover's closing page break."""
    if not url:
        return
    # The cover ends with a paragraph holding its page break. The code and its caption go into
    # that paragraph, before the break: a paragraph of their own could fall onto the next page
    # and leave it blank but for them.
    anchor = document.paragraphs[-1]
    first = anchor.runs[0] if anchor.runs else None
    anchor.alignment = WD_ALIGN_PARAGRAPH.CENTER
    anchor.paragraph_format.space_before = Pt(6)
    anchor.paragraph_format.keep_together = True
    picture = anchor.add_run()
    picture.add_picture(io.BytesIO(qr_png(url)), width=Cm(2.0))
    newline = anchor.add_run()
    newline.add_break()
    where = url if "://" in url else f"文件库网站 {url}"
    caption = anchor.add_run(f"扫码或访问 {where} 核对本副本是否现行有效")
    caption.font.size = Pt(8)
    if first is not None:  # keep the page break last
        for run in (picture, newline, caption):
            first._r.addprevious(run._r)

"""Reproducible Office files: same inputs, same bytes.

python-docx and openpyxl stamp zip entries with the clock and write core dates from the
clock; we rewrite the archive with fixed entry times, a fixed entry order and the core dates
taken from git, so a rebuild of an unchanged document is byte-identical (and its hash in
the manifest stays valid).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Protocol

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
DEFAULT_DATE = "1980-01-01T00:00:00Z"  # when git gives no date at all (never the clock)
_FIRST = ("[Content_Types].xml", "_rels/.rels")
_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


class Savable(Protocol):
    """A python-docx Document or an openpyxl Workbook: both save to a binary stream."""

    def save(self, stream: IO[bytes], /) -> Any: ...


def iso_utc(when: datetime | None) -> str:
    """W3CDTF for core properties: a git time -> UTC 'Z' form, seconds only (None: the default)."""
    if when is None:
        return DEFAULT_DATE
    moment = when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry_order(name: str) -> tuple[int, str]:
    return (_FIRST.index(name), "") if name in _FIRST else (len(_FIRST), name)


def normalise(data: bytes, core_date: datetime | None = None) -> bytes:
    """Re-zip an Office file: sorted entries, fixed times and permissions, fixed core dates."""
    stamp = iso_utc(core_date)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in sorted(source.namelist(), key=_entry_order):
            content = source.read(name)
            if name == "docProps/core.xml":
                content = _CORE_DATE.sub(
                    lambda m: m.group(1) + stamp.encode() + m.group(3), content
                )
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0  # the same on Windows and Linux
            target.writestr(info, content, compresslevel=6)
    return out.getvalue()


def save_docx(document: Savable, path: Path, core_date: datetime | None = None) -> bytes:
    """Save a python-docx Document reproducibly; returns the bytes written."""
    buffer = io.BytesIO()
    document.save(buffer)
    data = normalise(buffer.getvalue(), core_date)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def save_xlsx(workbook: Savable, path: Path, core_date: datetime | None = None) -> bytes:
    """Save an openpyxl Workbook reproducibly; returns the bytes written."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = normalise(buffer.getvalue(), core_date)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data

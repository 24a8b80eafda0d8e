"""Reading an untrusted .docx found in the field: bounded, entity-free, and digested whole.

A copy handed to `cems verify` may be anything: a zip bomb, a custom.xml with a billion
laughs, a file renamed to .docx. Everything here is bounded before it is read: the archive's
size, the number of members, each member's declared and real size, the total, and the
compression ratio; every XML part is parsed with `defusedxml` (no DTD, no entities, no external references)
before anything is trusted (`check_xml`). Any
problem is an `UntrustedCopy` with a plain Chinese message, which `cems verify` answers with
exit 6 — never a crash, never unbounded memory.

The digest covers every part of the package by its bytes (document, headers, footers, styles,
numbering, images, every custom and core property): whatever a reader can see — body text,
tables, images, run formatting such as hidden, struck-through, white or highlighted text,
font sizes, styles that would hide text — lives in one of those parts, so no visible change
can keep the digest. Builds are byte-reproducible, so the genuine copy's parts are known
exactly; only the zip container (entry order, timestamps, compression) is normalised away.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

MAX_FILE_BYTES = 50 * 1024 * 1024  # the .docx on disk
MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one part, uncompressed
MAX_TOTAL_BYTES = 160 * 1024 * 1024  # all parts, uncompressed
MAX_RATIO = 100  # uncompressed / compressed, for parts larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
CHUNK = 1 << 16

CUSTOM_PART = "docProps/custom.xml"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"

# what a reader would call each part, for the message naming what differs
AREAS = (
    ("word/document.xml", "正文 (body)"),
    ("word/header", "页眉 (header)"),
    ("word/footer", "页脚 (footer)"),
    ("word/media/", "图片 (images)"),
    ("word/styles.xml", "样式 (styles)"),
    ("word/numbering.xml", "编号 (numbering)"),
    ("docProps/custom.xml", "自定义属性 (custom properties)"),
    ("docProps/core.xml", "文档属性 (core properties)"),
)


class UntrustedCopy(Exception):
    """The file cannot be read safely as a controlled copy; `message` is for the holder."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Package:
    """The parts of a .docx, read within the limits above."""

    parts: dict[str, bytes]

    def xml(self, name: str) -> ElementTree.Element:
        return parse_xml(self.parts[name], name)

    def custom_properties(self) -> dict[str, str]:
        if CUSTOM_PART not in self.parts:
            return {}
        root = self.xml(CUSTOM_PART)
        result: dict[str, str] = {}
        for prop in root.findall(f"{{{CUSTOM_NS}}}property"):
            value = next(iter(prop), None)
            name = prop.get("name", "")
            if name in result:
                raise UntrustedCopy(f"自定义属性 {name} 出现两次 (duplicate custom property)")
            result[name] = (value.text or "") if value is not None else ""
        return result

    def check_xml(self) -> None:
        """Every XML part must parse without DTD or entities (an untrusted copy is refused)."""
        for name, data in sorted(self.parts.items()):
            if name.endswith((".xml", ".rels")):
                parse_xml(data, name)

    def part_digests(self) -> dict[str, str]:
        """sha256 of each part's bytes, by part name (the zip container does not count)."""
        return {name: _part_digest(data) for name, data in sorted(self.parts.items())}

    def digest(self) -> str:
        return digest_of(self.part_digests())


def digest_of(part_digests: dict[str, str]) -> str:
    whole = hashlib.sha256()
    for name, value in sorted(part_digests.items()):
        whole.update(name.encode("utf-8") + b"\0" + value.encode("ascii") + b"\n")
    return whole.hexdigest()


def parse_xml(data: bytes, name: str) -> ElementTree.Element:
    try:
        root: Any = safe_xml.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise UntrustedCopy(
            f"{name} 含有 DTD 或实体声明，已拒绝 (DTD or entity declarations refused)"
        ) from None
    except (ElementTree.ParseError, ValueError, UnicodeError):
        raise UntrustedCopy(f"{name} 不是格式正确的 XML (malformed XML)") from None
    return root  # type: ignore[no-any-return]


def _part_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_infos(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise UntrustedCopy(f"压缩包内文件过多 (more than {MAX_MEMBERS} members)")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise UntrustedCopy("压缩包内有重名文件 (duplicate member names)")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UntrustedCopy("文件已加密，无法核对 (encrypted member)")
        if info.file_size > MAX_MEMBER_BYTES:
            raise UntrustedCopy(f"{info.filename} 解压后过大 (member too large)")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UntrustedCopy(
                f"{info.filename} 压缩比异常，疑似压缩炸弹 (compression ratio too high)"
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UntrustedCopy("解压后总大小超过上限，疑似压缩炸弹 (archive expands too far)")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than it declared (a lying header is caught)."""
    chunks, size = [], 0
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            if size > info.file_size:
                raise UntrustedCopy(f"{info.filename} 实际大小与声明不符 (size mismatch)")
            chunks.append(chunk)
    return b"".join(chunks)


def open_package(path: Path) -> Package:
    """Read a .docx within the limits; raises UntrustedCopy on anything unsafe or unreadable."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UntrustedCopy(f"文件超过 {MAX_FILE_BYTES // 2**20} MB (file too large)")
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            _check_infos(infos)
            parts = {i.filename: _read_member(archive, i) for i in infos}
    except UntrustedCopy:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise UntrustedCopy("不是可读的 Word 文件 (not a readable .docx)") from None
    except (OSError, ValueError, NotImplementedError, RuntimeError) as error:
        raise UntrustedCopy(
            f"文件无法读取 (cannot read the file): {type(error).__name__}"
        ) from None
    if "word/document.xml" not in parts or "[Content_Types].xml" not in parts:
        raise UntrustedCopy("不是 Word 文件：缺少 word/document.xml (not a Word document)")
    return Package(parts)


def differing_areas(mine: dict[str, str], genuine: dict[str, str]) -> list[str]:
    """Plain names of the areas where two packages differ (页眉, 正文, 图片 ...)."""
    names = sorted(n for n in set(mine) | set(genuine) if mine.get(n) != genuine.get(n))
    areas: list[str] = []
    for name in names:
        label = next(
            (zh for prefix, zh in AREAS if name.startswith(prefix)), "其他部分 (other parts)"
        )
        if label not in areas:
            areas.append(label)
    return areas

"""Untrusted .docx files: zip bombs and entity bombs answer 6 quickly, in bounded memory."""

from __future__ import annotations

import io
import json
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document

from generator.ops.docx_inspect import (
    MAX_TOTAL_BYTES,
    UntrustedCopy,
    open_package,
)

MB = 1024 * 1024
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + ']>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'custom-properties">&lol9;</Properties>'
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'custom-properties">&x;</Properties>'
)


def _plain_docx() -> bytes:
    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def _with_part(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_plain_docx())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.namelist():
            if item != name:
                target.writestr(item, source.read(item), zipfile.ZIP_DEFLATED)
        target.writestr(name, data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


class _RepeatedBlock:
    """Stands in for zipfile's compressor: every 1 MB chunk of zeros becomes the same
    full-flushed deflate block, so a 2 GB member costs 2 MB and no compression time."""

    def __init__(self) -> None:
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.block = deflate.compress(bytes(MB)) + deflate.flush(zlib.Z_FULL_FLUSH)
        self.final = deflate.flush()

    def compress(self, data: bytes) -> bytes:
        assert len(data) == MB
        return self.block

    def flush(self) -> bytes:
        return self.final


def _bomb(path: Path, total: int) -> Path:
    """A real .docx whose extra member expands to `total` bytes of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(_plain_docx())) as source:
            for item in source.namelist():
                archive.writestr(item, source.read(item))
        with archive.open("word/media/bomb.bin", "w", force_zip64=True) as member:
            member._compressor = _RepeatedBlock()  # type: ignore[attr-defined]
            zeros = bytes(MB)
            for _ in range(total // MB):
                member.write(zeros)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _bomb(tmp_path_factory.mktemp("bomb") / "bomb.docx", 2048 * MB)


def _bounded(path: Path) -> tuple[str, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        open_package(path).check_xml()
        message = ""
    except UntrustedCopy as error:
        message = error.message
    elapsed = time.perf_counter() - started
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return message, elapsed, peak


def test_a_2gb_zip_bomb_is_refused_at_once(bomb: Path) -> None:
    assert bomb.stat().st_size < 4 * MB  # a few MB on disk ...
    message, elapsed, peak = _bounded(bomb)  # ... 2 GB inside
    assert "bomb.bin" in message and "压" in message
    assert elapsed < 2 and peak < 20 * MB


def test_a_lying_size_header_is_caught(tmp_path: Path) -> None:
    """Declared 1000 bytes in the central directory, 40 MB inside: never more is read."""
    path = _bomb(tmp_path / "liar.docx", 40 * MB)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/media/bomb.bin")
    entry = data.rfind(
        b"PK\x01\x02" + data[data.find(b"PK\x01\x02") + 4 : data.find(b"PK\x01\x02") + 6]
    )
    while True:  # find the central directory entry of the bomb
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + name_length] == info.filename.encode():
            break
        entry = data.rfind(b"PK\x01\x02", 0, entry)
    extra_length = struct.unpack_from("<H", data, entry + 30)[0]
    extra = entry + 46 + name_length
    # zip64: the real sizes sit in the extra field; lie there and in the fixed field
    struct.pack_into("<I", data, entry + 24, 1000)
    if extra_length >= 12 and struct.unpack_from("<H", data, extra)[0] == 1:
        struct.pack_into("<Q", data, extra + 4, 1000)
    path.write_bytes(bytes(data))
    message, elapsed, peak = _bounded(path)
    assert message and elapsed < 5 and peak < 20 * MB


def test_too_much_in_total(tmp_path: Path) -> None:
    """Many members, each below every limit, that add up to more than the total allowed."""
    path = tmp_path / "wide.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        with zipfile.ZipFile(io.BytesIO(_plain_docx())) as source:
            for item in source.namelist():
                archive.writestr(item, source.read(item))
        for i in range(MAX_TOTAL_BYTES // (32 * MB) + 1):
            info = zipfile.ZipInfo(f"word/media/part{i}.bin")
            archive.writestr(info, b"")
    data = bytearray(path.read_bytes())  # declare 32 MB for each empty member
    with zipfile.ZipFile(path) as archive:
        infos = [i for i in archive.infolist() if i.filename.startswith("word/media/part")]
    for info in infos:
        name = info.filename.encode()
        entry = data.find(b"PK\x01\x02")
        while data[entry + 46 : entry + 46 + len(name)] != name:
            entry = data.find(b"PK\x01\x02", entry + 4)
        struct.pack_into("<I", data, entry + 24, 32 * MB)
        struct.pack_into("<I", data, entry + 20, 32 * MB)
    path.write_bytes(bytes(data))
    message, _elapsed, _peak = _bounded(path)
    assert "总大小" in message or "压缩" in message


@pytest.mark.parametrize("xml", [LAUGHS, XXE, "<Properties><unclosed></Properties>"])
def test_hostile_custom_xml(xml: str, tmp_path: Path) -> None:
    path = tmp_path / "props.docx"
    path.write_bytes(_with_part("docProps/custom.xml", xml.encode()))
    message, elapsed, peak = _bounded(path)
    assert "custom.xml" in message and elapsed < 2 and peak < 20 * MB


def test_cli_answers_6_never_3(bomb: Path, sample_copy: Path, tmp_path: Path, run_cli) -> None:
    laughs = tmp_path / "laughs.docx"
    laughs.write_bytes(_with_part("docProps/custom.xml", LAUGHS.encode()))
    for path in (bomb, laughs):
        code, out, _err = run_cli(
            "verify", str(path), "--root", str(sample_copy), "--format", "json"
        )
        assert code == 6, out
        assert json.loads(out)["state"] == "unknown"

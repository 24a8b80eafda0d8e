"""The no-change shortcut keeps an output folder only when its key and every file are as the
last successful build left them."""

from __future__ import annotations

import os
from pathlib import Path

from generator.core.issues import Issue, Severity
from generator.manifest import GeneratedFile
from generator.ops.unchanged import build_key, kept_output, record_output

FILES = [GeneratedFile("word/a.docx", "ab" * 32, "A", "A/0", "copy")]
ISSUES = [Issue("site", None, "", "注意", Severity.WARNING, "SITE-X")]


def _output(tmp_path: Path, outside: list[str] | None = None) -> Path:
    out = tmp_path / "build"
    (out / "word").mkdir(parents=True)
    (out / "word" / "a.docx").write_bytes(b"copy")
    (out / "site").mkdir()
    (out / "site" / "index.html").write_text("<p>站</p>", encoding="utf-8")
    (out / ".cache" / "outputs").mkdir(parents=True)
    (out / ".cache" / "outputs" / "big").write_bytes(b"not part of the output")
    paths = outside or []
    record_output(out, ".cache", (build_key("k1", paths), paths), FILES, ISSUES)
    return out


def test_the_same_key_and_untouched_files_keep_the_output(tmp_path: Path) -> None:
    out = _output(tmp_path)
    kept = kept_output(out, ".cache", "k1")
    assert kept is not None and kept.files == FILES and kept.issues == ISSUES
    (out / ".cache" / "outputs" / "big").write_bytes(b"the cache may change")
    assert kept_output(out, ".cache", "k1") is not None


def test_another_key_builds_again(tmp_path: Path) -> None:
    assert kept_output(_output(tmp_path), ".cache", "k2") is None


def test_a_changed_added_or_removed_output_file_builds_again(tmp_path: Path) -> None:
    out = _output(tmp_path)
    copy = out / "word" / "a.docx"
    copy.write_bytes(b"forged")  # another size
    assert kept_output(out, ".cache", "k1") is None

    out = _output(tmp_path / "2")
    info = (out / "word" / "a.docx").stat()
    (out / "word" / "a.docx").write_bytes(b"COPY")  # same size, another time
    os.utime(out / "word" / "a.docx", ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    assert kept_output(out, ".cache", "k1") is None

    out = _output(tmp_path / "3")
    (out / "word" / "stale.docx").write_bytes(b"left over")
    assert kept_output(out, ".cache", "k1") is None

    out = _output(tmp_path / "4")
    (out / "site" / "index.html").unlink()
    assert kept_output(out, ".cache", "k1") is None


def test_no_or_a_damaged_record_builds_again(tmp_path: Path) -> None:
    out = _output(tmp_path)
    (out / ".cache" / "output.json").write_text("{not json", encoding="utf-8")
    assert kept_output(out, ".cache", "k1") is None
    (out / ".cache" / "output.json").unlink()
    assert kept_output(out, ".cache", "k1") is None


def test_a_changed_file_outside_the_covered_folders_builds_again(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence" / "meter.pdf"
    evidence.parent.mkdir()
    evidence.write_bytes(b"%PDF reading")
    out = _output(tmp_path, [str(evidence)])
    assert kept_output(out, ".cache", "k1") is not None
    evidence.write_bytes(b"%PDF edited!")
    assert kept_output(out, ".cache", "k1") is None
    evidence.unlink()
    assert kept_output(out, ".cache", "k1") is None

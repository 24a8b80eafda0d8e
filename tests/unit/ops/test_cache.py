"""The build's output cache: unchanged inputs reuse the files, any changed input renders anew."""

from __future__ import annotations

from pathlib import Path

from generator.core.config import Config
from generator.core.issues import Issue, Severity
from generator.manifest import GeneratedFile, sha256_bytes
from generator.ops.cache import Cached, OutputCache


def _repo(tmp_path: Path) -> Config:
    (tmp_path / "repo" / "content").mkdir(parents=True)
    (tmp_path / "repo" / "content" / "a.md").write_text("一\n", encoding="utf-8")
    return Config.for_root(tmp_path / "repo", tmp_path / "out")


def _renderer(out: Path, calls: list[str], text: str):
    def render() -> Cached:
        calls.append(text)
        (out / "word").mkdir(parents=True, exist_ok=True)
        (out / "word" / "a.docx").write_text(text, encoding="utf-8")
        (out / "site").mkdir(exist_ok=True)
        (out / "site" / "index.html").write_text(f"<p>{text}</p>", encoding="utf-8")
        generated = GeneratedFile("word/a.docx", sha256_bytes(text.encode()))
        return Cached([generated], [Issue("a.md", 3, "", "注意", Severity.WARNING, "W")])

    return render


def test_unchanged_inputs_restore_files_and_issues_without_rendering(tmp_path: Path) -> None:
    config = _repo(tmp_path)
    calls: list[str] = []
    first_out, second_out = tmp_path / "b1", tmp_path / "b2"
    cache = OutputCache(tmp_path / "cache", config)
    parts = ("content",)
    first = cache.run("x", parts, ("h1",), first_out, _renderer(first_out, calls, "v1"), ("site",))
    again = OutputCache(tmp_path / "cache", config)  # a new build
    second = again.run(
        "x", parts, ("h1",), second_out, _renderer(second_out, calls, "v1"), ("site",)
    )
    assert calls == ["v1"]
    assert second == first
    assert (second_out / "word" / "a.docx").read_text(encoding="utf-8") == "v1"
    assert (second_out / "site" / "index.html").read_text(encoding="utf-8") == "<p>v1</p>"


def test_a_changed_file_or_history_renders_again(tmp_path: Path) -> None:
    config = _repo(tmp_path)
    calls: list[str] = []
    out = tmp_path / "b"
    OutputCache(tmp_path / "cache", config).run(
        "x", ("content",), ("h1",), out, _renderer(out, calls, "v1")
    )
    OutputCache(tmp_path / "cache", config).run(
        "x", ("content",), ("h2",), out, _renderer(out, calls, "v2")
    )
    (config.root / "content" / "a.md").write_text("二\n", encoding="utf-8")
    OutputCache(tmp_path / "cache", config).run(
        "x", ("content",), ("h2",), out, _renderer(out, calls, "v3")
    )
    assert calls == ["v1", "v2", "v3"]


def test_a_damaged_entry_is_rendered_again(tmp_path: Path) -> None:
    config = _repo(tmp_path)
    calls: list[str] = []
    out = tmp_path / "b"
    cache = OutputCache(tmp_path / "cache", config)
    cache.run("x", ("content",), (), out, _renderer(out, calls, "v1"))
    for stored in (tmp_path / "cache").rglob("a.docx"):
        stored.unlink()
    OutputCache(tmp_path / "cache", config).run(
        "x", ("content",), (), out, _renderer(out, calls, "v1")
    )
    assert calls == ["v1", "v1"]

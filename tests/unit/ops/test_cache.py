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


def test_keys_are_the_same_in_every_process(tmp_path: Path) -> None:
    """A set in the inputs (the status report's checked clauses) is keyed in sorted order, not
    in the per-process hash order its repr follows."""
    import os
    import subprocess
    import sys

    config = _repo(tmp_path)
    script = (
        "import sys; from pathlib import Path; from generator.core.config import Config; "
        "from generator.ops.cache import OutputCache; "
        "c = Config.for_root(Path(sys.argv[1]), Path(sys.argv[2])); "
        "print(OutputCache(Path(sys.argv[2]), c).key('x', ('content',), "
        "({'6.2': frozenset({'9.4', '6.4', '7.2', '8.6', '10'})},)))"
    )
    keys = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", script, str(config.root), str(tmp_path / "cache")],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        keys.add(done.stdout.strip())
    assert len(keys) == 1


def test_skipped_files_leave_the_key_and_others_change_it(tmp_path: Path) -> None:
    config = _repo(tmp_path)
    (config.root / "content" / "b.md").write_text("乙\n", encoding="utf-8")
    skip = frozenset({"content/a.md"})

    def key() -> str:
        return OutputCache(tmp_path / "cache", config).key("x", ("content",), ("h",), skip)

    first = key()
    (config.root / "content" / "a.md").write_text("改\n", encoding="utf-8")
    assert key() == first  # the caller keys a.md's content itself
    (config.root / "content" / "b.md").write_text("改\n", encoding="utf-8")
    assert key() != first


def test_restored_files_are_links_and_one_changed_in_place_is_rendered_again(
    tmp_path: Path,
) -> None:
    """A hit links the stored files (no bytes copied); if someone rewrites a restored output in
    place, the entry it shares the file with is damaged and rendered again, never served."""
    config = _repo(tmp_path)
    calls: list[str] = []
    first, second, third = tmp_path / "b1", tmp_path / "b2", tmp_path / "b3"
    OutputCache(tmp_path / "cache", config).run(
        "x", ("content",), (), first, _renderer(first, calls, "v1")
    )
    OutputCache(tmp_path / "cache", config).run(
        "x", ("content",), (), second, _renderer(second, calls, "v1")
    )
    assert calls == ["v1"]
    assert (first / "word" / "a.docx").stat().st_ino == (second / "word" / "a.docx").stat().st_ino
    (second / "word" / "a.docx").write_text("tampered", encoding="utf-8")
    OutputCache(tmp_path / "cache", config).run(
        "x", ("content",), (), third, _renderer(third, calls, "v1")
    )
    assert calls == ["v1", "v1"]
    assert (third / "word" / "a.docx").read_text(encoding="utf-8") == "v1"

"""The bad-input corpus: apply one case to a fresh copy of the sample, run cems, read the result.

A case is a folder under `tests/bad_input/cases/` holding `expected.yaml` and, optionally,
`files/` (copied over the sample, paths as in the repository). `expected.yaml`:

    description: what the case feeds cems, and why it must not break the build
    args: [validate]            # the command line; --root {root} is added unless present
    setup:                      # steps on the copy, in order (all optional)
      - replace: content/organisation.yaml   # with old: / new: (old must occur)
      - write: records/x.csv                 # with text: or hex:
      - append: path                         # with text: or from: (a file of the case),
                                             # times: N repeats the text
      - symlink: path                        # with target: (may use {outside})
      - remove: path
    fault: enospc               # optional: writes under the output folder fail (disk full)
    exit: 1                     # expected exit code
    file: content/organisation.yaml  # an issue of this file, line, code (and field) must
    line: 5                          # be reported (text output: "file:line: error CODE")
    code: YAML-PARSE
    field: title
    max_errors: 1               # at most this many errors
    contains: text              # the output contains this
    absent: ["**/x.md"]         # globs (from the folder holding the copy) that must match nothing

Placeholders in args, targets and texts: {root}, {outside} (a folder beside the copy with
secret.png / secret.md / secret.yaml), {port} (a TCP port held busy during the run).
"""

from __future__ import annotations

import contextlib
import errno
import io
import pathlib
import re
import shutil
import socket
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli.main import main
from tests.conftest import copy_sample

CASES_DIR = Path(__file__).parent / "cases"
SECRET = "CEMS-OUTSIDE-SECRET-7f3a"  # in every file outside the repository
_ISSUE = re.compile(
    r"^(?P<file>[^\s:][^:\n]*?)(?::(?P<line>\d+))?: (?P<severity>error|warning) "
    r"(?P<code>[A-Z0-9-]+)(?: \[(?P<field>[^\]]*)\])?",
    re.MULTILINE,
)


def secret_png() -> bytes:
    """A 1x1 PNG whose text chunk holds SECRET (so an embedded copy can be found)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00" + SECRET.encode())
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def make_outside(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secret.png").write_bytes(secret_png())
    (folder / "secret.md").write_text(f"---\nid: X\n---\n{SECRET}\n", encoding="utf-8")
    (folder / "secret.yaml").write_text(f"id: {SECRET}\n", encoding="utf-8")
    return folder


@dataclass
class Reported:
    file: str
    line: int | None
    severity: str
    code: str
    field: str


@dataclass
class Run:
    case: str
    root: Path
    outside: Path
    code: int
    out: str
    err: str
    spec: dict[str, Any]
    issues: list[Reported] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.out + self.err


def load_spec(case: Path) -> dict[str, Any]:
    spec = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(spec, dict) and "exit" in spec, f"{case.name}: expected.yaml needs exit"
    return spec


def all_cases() -> list[Path]:
    return sorted(p for p in CASES_DIR.iterdir() if (p / "expected.yaml").is_file())


def _fill(value: str, names: dict[str, str]) -> str:
    for key, text in names.items():
        value = value.replace("{" + key + "}", text)
    return value


def _setup(case: Path, root: Path, steps: list[dict[str, Any]], names: dict[str, str]) -> None:
    for step in steps:
        if "replace" in step:
            path = root / step["replace"]
            text = path.read_text(encoding="utf-8")
            old, new = step["old"], _fill(step["new"], names)
            assert old in text, f"setup: {old!r} not in {step['replace']}"
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
        elif "write" in step:
            path = root / step["write"]
            path.parent.mkdir(parents=True, exist_ok=True)
            if "hex" in step:
                path.write_bytes(bytes.fromhex(step["hex"]))
            else:
                path.write_bytes(_fill(step.get("text", ""), names).encode("utf-8"))
        elif "append" in step:  # text:, or from: a file of the case folder
            text = step["text"] if "text" in step else (case / step["from"]).read_text("utf-8")
            text *= int(step.get("times", 1))
            with (root / step["append"]).open("a", encoding="utf-8") as handle:
                handle.write(_fill(text, names))
        elif "symlink" in step:
            path = root / step["symlink"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.symlink_to(_fill(step["target"], names))
        elif "remove" in step:
            target = root / step["remove"]
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        else:  # pragma: no cover - a typo in a case
            raise AssertionError(f"unknown setup step {step}")


@contextlib.contextmanager
def _busy_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield int(sock.getsockname()[1])


@contextlib.contextmanager
def _disk_full(out_dir: Path) -> Iterator[None]:
    """Every file written below the output folder fails as on a full disk."""
    originals = (pathlib.Path.write_bytes, pathlib.Path.write_text)

    def failing(original: Any) -> Any:
        def write(self: Path, *args: Any, **kwargs: Any) -> Any:
            if str(self).startswith(str(out_dir)):
                raise OSError(errno.ENOSPC, "No space left on device", str(self))
            return original(self, *args, **kwargs)

        return write

    pathlib.Path.write_bytes = failing(originals[0])  # type: ignore[method-assign]
    pathlib.Path.write_text = failing(originals[1])  # type: ignore[method-assign]
    try:
        yield
    finally:
        pathlib.Path.write_bytes, pathlib.Path.write_text = originals  # type: ignore[method-assign]


def run_case(case: Path, base: Path) -> Run:
    spec = load_spec(case)
    root = copy_sample(base / "org")
    outside = make_outside(base / "outside")
    if (case / "files").is_dir():
        shutil.copytree(case / "files", root, dirs_exist_ok=True)
    with contextlib.ExitStack() as stack:
        port = stack.enter_context(_busy_port()) if "{port}" in str(spec.get("args")) else 0
        names = {"root": str(root), "outside": str(outside), "port": str(port)}
        _setup(case, root, spec.get("setup") or [], names)
        args = [_fill(str(a), names) for a in spec.get("args", ["validate"])]
        if spec.get("root", True) and "--root" not in args:
            args += ["--root", str(root)]
        if spec.get("fault") == "enospc":
            stack.enter_context(_disk_full(root / "build"))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    run = Run(case.name, root, outside, code, out.getvalue(), err.getvalue(), spec)
    run.issues = [
        Reported(
            m["file"],
            int(m["line"]) if m["line"] else None,
            m["severity"],
            m["code"],
            m["field"] or "",
        )
        for m in _ISSUE.finditer(run.text)
    ]
    return run


def check_run(run: Run) -> None:
    """The case's expectations; every failure message shows what cems printed."""
    spec, shown = run.spec, f"\n--- cems printed ---\n{run.text}"
    assert "内部错误" not in run.text and "Traceback" not in run.text, shown
    assert run.code == spec["exit"], f"exit {run.code}, expected {spec['exit']}" + shown
    if "code" in spec:
        wanted = {k: spec[k] for k in ("file", "line", "code", "field") if k in spec}
        found = [
            i
            for i in run.issues
            if all(getattr(i, k) == v for k, v in wanted.items()) and i.severity == "error"
        ]
        assert found, f"no error matching {wanted}" + shown
    errors = [i for i in run.issues if i.severity == "error"]
    if spec.get("exit") == 1 and spec.get("located", True):
        assert errors, "exit 1 without a located error" + shown
        assert all(i.file for i in errors), shown
    if "max_errors" in spec:
        assert len(errors) <= spec["max_errors"], f"{len(errors)} errors" + shown
    if "contains" in spec:
        assert spec["contains"] in run.text, shown
    for pattern in spec.get("absent", []):
        written = sorted(run.root.parent.glob(pattern))
        assert not written, f"{pattern} was written: {written}" + shown


def case_ids() -> list[Any]:
    return [pytest.param(case, id=case.name) for case in all_cases()]

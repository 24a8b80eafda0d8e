"""Git access: the one place that runs `git` (history stage).

Every call goes through `Git.run` with an argument list, `-c core.quotepath=false`, NUL
separated output where paths appear, and UTF-8. A failing git call raises `GitError` (a
`CemsError` carrying an Issue with git's own message); nothing here ever answers "N/A".
Objects (trees, released texts) are read through one `git cat-file --batch` process per
`Git`, kept open while it is used. Parsing of git's output is `parse.py`.
"""

from __future__ import annotations

import os
import re
import subprocess
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from generator.core.issues import CemsError, Issue, Severity
from generator.git.parse import (
    _COMMIT_MARK,
    _LOG_FIELDS,
    _TAG_FIELDS,
    GITLINK,
    TREE,
    FileChange,
    Ident,
    LogEntry,
    Snapshot,
    TagRef,
    TagVerification,
    content_sha256,
    parse_log,
    parse_tags,
    parse_tree,
    parse_verification,
    snapshot,
    trailers,
)

__all__ = [
    "RELEASE_PREFIX",
    "RELEASE_REF_PREFIX",
    "FileChange",
    "Git",
    "GitError",
    "Ident",
    "LogEntry",
    "Snapshot",
    "TagRef",
    "TagVerification",
    "content_sha256",
    "parse_log",
    "parse_tags",
    "parse_verification",
    "snapshot",
    "snapshots_at",
    "trailers",
]

RELEASE_PREFIX = "release/"
RELEASE_REF_PREFIX = "refs/tags/" + RELEASE_PREFIX


class GitError(CemsError):
    """A git command failed; the issue quotes git's own message."""

    def __init__(self, args: Sequence[str], message: str, code: str = "GIT-FAILED") -> None:
        text = message.strip() or "git 返回错误 (git failed)"
        issue = Issue(
            "",
            None,
            "",
            f"git {' '.join(args[:3])} 失败 (failed): {text}",
            severity=Severity.ERROR,
            code=code,
        )
        super().__init__(f"git 命令失败 (git failed): {text}", [issue])
        self.stderr = text


def _decode(data: bytes) -> str:
    # Paths and messages are UTF-8 in every repository git writes today; a stray byte
    # must not abort a whole build, so it is shown as U+FFFD instead.
    return data.decode("utf-8", errors="replace")


class Git:
    """A git working directory (`cwd`), run with the user's own git configuration."""

    def __init__(self, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.cwd = Path(cwd)
        self.env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
        self._batch: ObjectReader | None = None

    def run_bytes(
        self, *args: str, stdin: bytes | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        command = ["git", "-c", "core.quotepath=false", *args]
        try:
            result = subprocess.run(
                command, cwd=self.cwd, env=self.env, input=stdin, capture_output=True, check=False
            )
        except FileNotFoundError:
            raise GitError(args, "找不到 git 程序 (git is not installed)", "GIT-MISSING") from None
        if check and result.returncode != 0:
            raise GitError(args, _decode(result.stderr))
        return result

    def run(self, *args: str, check: bool = True) -> str:
        return _decode(self.run_bytes(*args, check=check).stdout)

    def ok(self, *args: str) -> bool:
        return self.run_bytes(*args, check=False).returncode == 0

    # -- repository state -------------------------------------------------------------

    def toplevel(self) -> Path | None:
        result = self.run_bytes("rev-parse", "--show-toplevel", check=False)
        return Path(_decode(result.stdout).strip()) if result.returncode == 0 else None

    def prefix(self) -> str:
        """`cwd` relative to the top of the repository, "" or "sub/dir/"."""
        return self.run("rev-parse", "--show-prefix").strip()

    def resolve(self, ref: str) -> str | None:
        """The commit `ref` names, or None (no such ref, or no commits yet)."""
        result = self.run_bytes("rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
        return _decode(result.stdout).strip() or None if result.returncode == 0 else None

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository").strip() == "true"

    def dirty_paths(self) -> list[str]:
        """Modified, staged or untracked (not ignored) paths below `cwd`."""
        out = self.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
        paths, tokens = [], iter(out.split("\0"))
        for token in tokens:
            if not token:
                continue
            paths.append(token[3:])
            if token[0] in "RC":  # a rename record carries the old path as the next token
                next(tokens, None)
        return sorted(paths)

    def committer_ident(self) -> Ident:
        """Who git would record as tagger now (respects GIT_COMMITTER_* and user.*)."""
        line = self.run("var", "GIT_COMMITTER_IDENT").strip()
        match = re.match(r"^(.*?)\s*<(.*?)>\s*(\d+)\s*([+-]\d{4})$", line)
        if not match:
            raise GitError(("var",), f"无法解析身份 (cannot parse identity): {line}")
        return Ident(match.group(1), match.group(2), _epoch_to_iso(match.group(3), match.group(4)))

    # -- history ----------------------------------------------------------------------

    def log(self, revisions: Iterable[str], paths: Sequence[str] = ()) -> list[LogEntry]:
        """One `git log --name-status -z -M` pass: every commit reachable from `revisions`.

        Merge commits list no files (git's default): the commits they bring in carry the
        changes. Newest first, in git's default order.
        """
        fmt = "%x00".join([_COMMIT_MARK, *_LOG_FIELDS])
        args = ["log", "-z", "--name-status", "-M", "--no-color", f"--format={fmt}", *revisions]
        out = self.run(*args, "--", *paths)
        return parse_log(out)

    def release_tags(self) -> list[TagRef]:
        fmt = "%00".join(_TAG_FIELDS) + "%00%01"
        out = self.run("for-each-ref", f"--format={fmt}", RELEASE_REF_PREFIX.rstrip("/"))
        return parse_tags(out)

    def verify_tag(self, name: str, allowed_signers: Path | None = None) -> TagVerification:
        """Check a signed tag's signature (GPG or SSH); SSH keys against `allowed_signers`."""
        options = ["-c", f"gpg.ssh.allowedSignersFile={allowed_signers}"] if allowed_signers else []
        result = self.run_bytes(*options, "verify-tag", "--raw", f"refs/tags/{name}", check=False)
        return parse_verification(_decode(result.stderr), result.returncode)

    def rev_list(self, ref: str) -> set[str]:
        """Every commit reachable from `ref` (empty if it does not exist)."""
        result = self.run_bytes("rev-list", ref, "--", check=False)
        return set(_decode(result.stdout).split()) if result.returncode == 0 else set()

    def current_branch(self) -> str:
        """The branch HEAD is on, "" for a detached HEAD."""
        result = self.run_bytes("symbolic-ref", "-q", "--short", "HEAD", check=False)
        return _decode(result.stdout).strip() if result.returncode == 0 else ""

    def ls_tree(self, commit: str, under: str) -> list[tuple[str, str]]:
        """(path, blob sha) of every file below `under` at `commit`, sorted by path."""
        out = self.run("ls-tree", "-r", "-z", "--full-tree", commit, "--", under)
        entries = []
        for record in out.split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            mode_type_sha = meta.split()
            if len(mode_type_sha) == 3 and mode_type_sha[1] == "blob":
                entries.append((path, mode_type_sha[2]))
        return sorted(entries)

    def objects(self) -> ObjectReader:
        """This repository's `git cat-file --batch` reader (started on first use)."""
        if self._batch is None:
            self._batch = ObjectReader(self)
        return self._batch

    def show(self, spec: str) -> bytes | None:
        """The blob `spec` names (`<commit>:<path>`), like `git show`; None if there is none."""
        found = self.objects().read(spec)
        return found[2] if found is not None and found[1] == "blob" else None

    def ls_trees(self, commits: Iterable[str], under: str) -> dict[str, list[tuple[str, str]]]:
        """`ls_tree(commit, under)` of many commits from the batch reader: each tree object is
        read once however many commits share it (50 releases of one folder: ~3 processes' work
        in one, instead of one `ls-tree` each)."""
        base = under.strip("/")
        seen: dict[str, list[tuple[str, str]]] = {}
        result: dict[str, list[tuple[str, str]]] = {}
        for commit in dict.fromkeys(commits):
            found = self.objects().read(f"{commit}:{base}" if base else f"{commit}^{{tree}}")
            if found is None or found[1] != "tree":
                result[commit] = []
                continue
            files = self._tree_files(found[0], found[2], seen)
            result[commit] = sorted((f"{base}/{p}" if base else p, sha) for p, sha in files)
        return result

    def _tree_files(
        self, tree: str, data: bytes, seen: dict[str, list[tuple[str, str]]]
    ) -> list[tuple[str, str]]:
        """(path below the tree, blob id) of every file in a tree object, recursively."""
        if tree in seen:
            return seen[tree]
        files: list[tuple[str, str]] = []
        for mode, name, sha in parse_tree(data, len(tree) // 2):
            if mode == TREE:
                found = self.objects().read(sha)
                if found is None:
                    raise GitError(("cat-file",), f"对象缺失 (missing object) {sha}")
                files += [(f"{name}/{p}", s) for p, s in self._tree_files(sha, found[2], seen)]
            elif mode != GITLINK:
                files.append((name, sha))
        seen[tree] = files
        return files

    def cat_blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """Contents of many blobs from ONE `git cat-file --batch` process."""
        wanted = sorted(set(shas))
        if not wanted:
            return {}
        out = self.run_bytes(
            "cat-file", "--batch", stdin=("\n".join(wanted) + "\n").encode()
        ).stdout
        blobs: dict[str, bytes] = {}
        pos = 0
        for sha in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].decode("ascii", errors="replace").split()
            if len(header) != 3:
                raise GitError(("cat-file",), f"对象缺失 (missing object) {sha}: {header}")
            size = int(header[2])
            blobs[sha] = out[end + 1 : end + 1 + size]
            pos = end + 1 + size + 1
        return blobs


def _epoch_to_iso(seconds: str, offset: str) -> str:
    from datetime import datetime, timedelta, timezone

    sign = 1 if offset[0] == "+" else -1
    tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
    return datetime.fromtimestamp(int(seconds), tz).isoformat()


def snapshots_at(
    git: Git,
    commits: Sequence[str],
    prefix: str,
    folder: str,
    unreadable: dict[str, set[str]] | None = None,
) -> tuple[dict[str, dict[str, Snapshot]], list[str]]:
    """commit -> document id -> Snapshot for the Markdown files below `folder` at each commit.

    The trees from the batch reader and one `cat-file --batch` for all their blobs. Also returns the
    (commit, path) of files whose front matter could not be read, and duplicate ids; those
    paths (relative to the content root) per commit go into `unreadable` when given.
    """
    trees = git.ls_trees(commits, prefix + folder)
    blobs = git.cat_blobs(sha for entries in trees.values() for _path, sha in entries)
    parsed: dict[tuple[str, str], Snapshot | None] = {}
    result: dict[str, dict[str, Snapshot]] = {}
    problems: list[str] = []
    for commit, entries in trees.items():
        docs: dict[str, Snapshot] = {}
        for path, sha in entries:
            name = path.rsplit("/", 1)[-1]
            if not name.lower().endswith(".md") or name.startswith("."):
                continue
            rel = path.removeprefix(prefix)
            key = (rel, sha)
            if key not in parsed:
                parsed[key] = snapshot(rel, blobs[sha])
                if parsed[key] is None:  # reported once, not once per release
                    problems.append(f"{rel} ({commit[:10]})")
            snap = parsed[key]
            if snap is None and unreadable is not None:
                unreadable.setdefault(commit, set()).add(rel)
            if snap is not None and snap.id in docs:
                problems.append(f"{rel} ({snap.id} 重复 duplicate id)")
            elif snap is not None:
                docs[snap.id] = snap
        result[commit] = docs
    return result, list(dict.fromkeys(problems))


class ObjectReader:
    """One `git cat-file --batch` process answering one object request at a time."""

    def __init__(self, git: Git) -> None:
        self._git = git
        self._process: subprocess.Popen[bytes] | None = None
        self._pid = 0  # the process that started it (a forked worker starts its own)

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None or self._pid != os.getpid():
            self._pid = os.getpid()
            command = ["git", "-c", "core.quotepath=false", "cat-file", "--batch"]
            try:
                self._process = subprocess.Popen(
                    command,
                    cwd=self._git.cwd,
                    env=self._git.env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except FileNotFoundError:
                raise GitError(
                    ("cat-file",), "找不到 git 程序 (git is not installed)", "GIT-MISSING"
                ) from None
            weakref.finalize(self, _close, self._process)
        return self._process

    def read(self, spec: str) -> tuple[str, str, bytes] | None:
        """(object id, type, content) of the object `spec` names, or None if there is none."""
        if "\n" in spec or "\r" in spec:
            return None
        process = self._start()
        stdin, stdout = process.stdin, process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(spec.encode("utf-8") + b"\n")
            stdin.flush()
            header = stdout.readline().rstrip(b"\n").split(b" ")
            if len(header) != 3 or not header[2].isdigit():
                if not header[0]:  # the process ended
                    raise GitError(("cat-file",), "git cat-file 意外退出 (exited)")
                return None  # "<spec> missing" / "ambiguous"
            data = _read_exactly(stdout, int(header[2]) + 1)[:-1]
        except OSError as error:
            raise GitError(("cat-file",), str(error)) from None
        return header[0].decode("ascii"), header[1].decode("ascii"), data

    def close(self) -> None:
        if self._process is not None:
            _close(self._process)
            self._process = None


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise GitError(("cat-file",), "git cat-file 输出不完整 (truncated output)")
    return data


def _close(process: subprocess.Popen[bytes]) -> None:
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

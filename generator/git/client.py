"""Git access: the one place that runs `git` (history stage).

Every call goes through `Git.run` with an argument list, `-c core.quotepath=false`, NUL
separated output where paths appear, and UTF-8. A failing git call raises `GitError` (a
`CemsError` carrying an Issue with git's own message); nothing here ever answers "N/A".
Many objects (trees, released texts) are read with one `git cat-file --batch` process for
all of them. Parsing of git's output is `parse.py`.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

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

    def run(self, *args: str, check: bool = True, stdin: bytes | None = None) -> str:
        return _decode(self.run_bytes(*args, stdin=stdin, check=check).stdout)

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

    def common_dir(self) -> Path | None:
        """The repository's .git folder (shared by its worktrees), None outside a repository."""
        result = self.run_bytes(
            "rev-parse", "--path-format=absolute", "--git-common-dir", check=False
        )
        return Path(_decode(result.stdout).strip()) if result.returncode == 0 else None

    def ref_state(self) -> str:
        """Every ref with the object it points at, HEAD, and the gpg settings signature
        checks use: one text that changes whenever a commit, tag or branch does."""
        refs = self.run("for-each-ref", "--format=%(objectname) %(refname)", check=False)
        head = self.run_bytes("rev-parse", "-q", "--verify", "HEAD", check=False).stdout
        gpg = self.run_bytes("config", "--get-regexp", r"^gpg\.", check=False).stdout
        return refs + "\0" + _decode(head) + "\0" + _decode(gpg)

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
        return Ident(match.group(1), match.group(2), _epoch_to_time(match.group(3), match.group(4)))

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

    def read_objects(self, specs: Iterable[str]) -> dict[str, tuple[str, str, bytes] | None]:
        """spec (`<commit>:<path>` or an object id) -> (id, type, content), or None where git
        has no such object, from ONE `git cat-file --batch` process for all of them."""
        wanted = [s for s in dict.fromkeys(specs) if "\n" not in s and "\r" not in s]
        if not wanted:
            return {}
        out = self.run_bytes(
            "cat-file", "--batch", stdin=("\n".join(wanted) + "\n").encode("utf-8")
        ).stdout
        found: dict[str, tuple[str, str, bytes] | None] = {}
        pos = 0
        for spec in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].split(b" ")
            if len(header) != 3 or not header[2].isdigit():  # "<spec> missing"
                found[spec], pos = None, end + 1
                continue
            size = int(header[2])
            data = out[end + 1 : end + 1 + size]
            found[spec] = (header[0].decode("ascii"), header[1].decode("ascii"), data)
            pos = end + 1 + size + 1
        return found

    def ls_trees(self, commits: Iterable[str], under: str) -> dict[str, list[tuple[str, str]]]:
        """`ls_tree(commit, under)` of many commits, reading tree objects level by level with
        one `cat-file --batch` per level: a subtree shared by many commits is read once (50
        releases of a folder three levels deep: 4 processes instead of 50 `ls-tree`s)."""
        base = under.strip("/")
        commits = list(dict.fromkeys(commits))
        tops = self.read_objects(f"{c}:{base}" if base else f"{c}^{{tree}}" for c in commits)
        trees: dict[str, bytes] = {}
        level = {f[0]: f[2] for f in tops.values() if f is not None and f[1] == "tree"}
        while level:
            trees.update(level)
            subs = {
                sha
                for tree, data in level.items()
                for mode, _name, sha in parse_tree(data, len(tree) // 2)
                if mode == TREE and sha not in trees
            }
            read = self.read_objects(subs)
            if any(f is None for f in read.values()):
                raise GitError(("cat-file",), "对象缺失 (missing tree object)")
            level = {sha: f[2] for sha, f in read.items() if f is not None}
        seen: dict[str, list[tuple[str, str]]] = {}
        result: dict[str, list[tuple[str, str]]] = {}
        for commit in commits:
            top = tops.get(f"{commit}:{base}" if base else f"{commit}^{{tree}}")
            if top is None or top[1] != "tree":
                result[commit] = []
                continue
            files = _tree_files(top[0], trees, seen)
            result[commit] = sorted((f"{base}/{p}" if base else p, sha) for p, sha in files)
        return result

    def object_ids(self, names: Iterable[str]) -> dict[str, str]:
        """`<commit>:<path>` -> object id for many names from ONE `git cat-file --batch-check`;
        a name that does not exist is left out."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        out = self.run("cat-file", "--batch-check", stdin=("\n".join(wanted) + "\n").encode())
        found: dict[str, str] = {}
        for name, line in zip(wanted, out.splitlines(), strict=False):
            parts = line.split()
            if len(parts) == 3 and parts[1] in ("tree", "blob"):
                found[name] = parts[0]
        return found

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


def _epoch_to_time(seconds: str, offset: str) -> datetime:
    sign = 1 if offset[0] == "+" else -1
    tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
    return datetime.fromtimestamp(int(seconds), tz)


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


def _tree_files(
    tree: str, trees: dict[str, bytes], seen: dict[str, list[tuple[str, str]]]
) -> list[tuple[str, str]]:
    """(path below the tree, blob id) of every file in an already read tree, recursively."""
    if tree in seen:
        return seen[tree]
    files: list[tuple[str, str]] = []
    for mode, name, sha in parse_tree(trees[tree], len(tree) // 2):
        if mode == TREE:
            files += [(f"{name}/{p}", s) for p, s in _tree_files(sha, trees, seen)]
        elif mode != GITLINK:
            files.append((name, sha))
    seen[tree] = files
    return files

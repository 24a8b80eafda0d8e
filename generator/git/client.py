"""Git access: the one place that runs `git` (history stage).

Every call goes through `Git.run` with an argument list, `-c core.quotepath=false`, NUL
separated output where paths appear, and UTF-8. A failing git call raises `GitError` (a
`CemsError` carrying an Issue with git's own message); nothing here ever answers "N/A".
Parsing of git's output lives here too, so `history.py` works with plain dataclasses.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from generator.content.load import YamlProblem, parse_yaml, split_front_matter
from generator.core.dates import parse_git_time
from generator.core.issues import CemsError, Issue, Severity

RELEASE_PREFIX = "release/"
RELEASE_REF_PREFIX = "refs/tags/" + RELEASE_PREFIX
_COMMIT_MARK = "\x01\x02cems-commit"  # starts every commit record of `git log`
_LOG_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B")
_TAG_FIELDS = (
    "%(refname)",
    "%(objecttype)",
    "%(objectname)",
    "%(*objectname)",
    "%(taggername)",
    "%(taggeremail)",
    "%(taggerdate:iso-strict)",
    "%(contents:subject)",
    "%(contents:body)",
    "%(contents:signature)",
)


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


@dataclass(frozen=True)
class Ident:
    """Who did something in git, and when (aware, in the offset git recorded)."""

    name: str
    email: str
    when: datetime


@dataclass(frozen=True)
class FileChange:
    status: str  # A M D R C T (the letter only)
    path: str  # the path after the change (for D: the deleted path)
    old_path: str = ""  # for renames and copies


@dataclass(frozen=True)
class LogEntry:
    commit: str
    parents: tuple[str, ...]
    author: Ident
    committer: Ident
    message: str
    files: tuple[FileChange, ...]

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()


@dataclass(frozen=True)
class TagRef:
    name: str  # e.g. release/2025.1
    annotated: bool
    commit: str  # the commit the tag points at (peeled)
    tagger: Ident | None
    message: str
    signed: bool
    object: str = ""  # the tag object's own id (annotated tags): hashes message and tagger


@dataclass(frozen=True)
class TagVerification:
    """What `git verify-tag --raw` said about a signed tag."""

    status: str  # good | bad | unknown (no key to check it against, or no gpg/ssh-keygen)
    kind: str = ""  # gpg | ssh
    key: str = ""  # GPG fingerprint (upper case) or SSH key fingerprint (SHA256:...)
    principal: str = ""  # SSH: the allowed-signers principal (e-mail) the key belongs to


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


_SSH_GOOD = re.compile(r'Good "git" signature for (\S+) with \S+ key (SHA256:\S+)')
_SSH_KEY = re.compile(r"with \S+ key (SHA256:[A-Za-z0-9+/=]+)")


def parse_verification(stderr: str, returncode: int) -> TagVerification:
    """Classify `git verify-tag --raw` output (GnuPG status lines, or ssh-keygen's message)."""
    if "[GNUPG:]" in stderr:
        valid = re.search(r"^\[GNUPG:\] VALIDSIG (.*)$", stderr, re.M)
        if "[GNUPG:] BADSIG" in stderr:
            return TagVerification("bad", "gpg")
        if valid:
            primary = valid.group(1).split()[-1]  # the primary key's fingerprint comes last
            status = "good" if returncode == 0 else "bad"
            return TagVerification(status, "gpg", primary.upper())
        return TagVerification("unknown", "gpg")
    good = _SSH_GOOD.search(stderr)
    if good and returncode == 0:
        return TagVerification("good", "ssh", good.group(2), good.group(1))
    key = _SSH_KEY.search(stderr)
    if "Signature verification failed" in stderr or "incorrect signature" in stderr:
        return TagVerification("bad", "ssh", key.group(1) if key else "")
    if key or "ssh" in stderr.lower():
        # e.g. "No principal matched": signed by a key nobody on the roster registered
        return TagVerification("unknown", "ssh", key.group(1) if key else "")
    return TagVerification("unknown")


def _epoch_to_time(seconds: str, offset: str) -> datetime:
    sign = 1 if offset[0] == "+" else -1
    tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
    return datetime.fromtimestamp(int(seconds), tz)


def parse_log(out: str) -> list[LogEntry]:
    """Parse `git log -z --name-status` output made with `_COMMIT_MARK` + `_LOG_FIELDS`."""
    tokens = out.split("\0")
    entries: list[LogEntry] = []
    i, n_fields = 0, len(_LOG_FIELDS)
    while i < len(tokens):
        if tokens[i].lstrip("\n") != _COMMIT_MARK:
            i += 1
            continue
        fields = tokens[i + 1 : i + 1 + n_fields]
        i += 1 + n_fields
        files: list[FileChange] = []
        while i < len(tokens) and tokens[i].lstrip("\n") != _COMMIT_MARK:
            status = tokens[i].lstrip("\n")
            if not status:
                i += 1
                continue
            letter = status[0]
            if letter in "RC":
                files.append(FileChange(letter, tokens[i + 2], tokens[i + 1]))
                i += 3
            else:
                files.append(FileChange(letter, tokens[i + 1]))
                i += 2
        sha, parents, an, ae, ad, cn, ce, cd, body = fields
        entries.append(
            LogEntry(
                sha,
                tuple(parents.split()),
                Ident(an, ae, parse_git_time(ad)),
                Ident(cn, ce, parse_git_time(cd)),
                body.strip(),
                tuple(files),
            )
        )
    return entries


def parse_tags(out: str) -> list[TagRef]:
    tags = []
    for record in out.split("\0\x01"):
        fields = record.lstrip("\n").split("\0")
        if len(fields) < len(_TAG_FIELDS):
            continue
        ref, objtype, obj, peeled, tname, temail, tdate, subject, body, signature = fields[:10]
        annotated = objtype == "tag"
        message = subject + ("\n\n" + body.strip() if body.strip() else "")
        tagger = (
            Ident(tname, temail.strip("<>"), parse_git_time(tdate)) if annotated and tname else None
        )
        tags.append(
            TagRef(
                name=ref.removeprefix("refs/tags/"),
                annotated=annotated,
                commit=peeled if annotated else obj,
                tagger=tagger,
                message=message.strip(),
                signed=bool(signature.strip()),
                object=obj if annotated else "",
            )
        )
    return sorted(tags, key=lambda t: t.name)


@dataclass(frozen=True)
class Snapshot:
    """One document file as it is at a release (or in the working tree)."""

    id: str
    path: str  # relative to the content root
    sha256: str
    edition: str
    status: str
    distribution: tuple[str, ...]
    withdrawal_reason: str
    text: str


def content_sha256(data: bytes) -> str:
    """sha256 of a text file with line endings normalised (CRLF and CR -> LF), so a Windows
    checkout (core.autocrlf) hashes the same as the committed blob."""
    return hashlib.sha256(data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")).hexdigest()


def snapshot(path: str, data: bytes) -> Snapshot | None:
    """The control fields of a document file, or None if its front matter cannot be read."""
    text = data.decode("utf-8-sig", errors="replace")
    front, _body, _line = split_front_matter(text)
    try:
        meta = parse_yaml(front)[0] if front is not None else None
    except YamlProblem:
        return None
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        return None
    distribution = meta.get("distribution") or ()
    return Snapshot(
        id=meta["id"],
        path=path,
        sha256=content_sha256(data),
        edition=str(meta.get("edition", "A")),
        status=str(meta.get("status", "effective")),
        distribution=tuple(str(d) for d in distribution) if isinstance(distribution, list) else (),
        withdrawal_reason=str(meta.get("withdrawal_reason", "")),
        text=text,
    )


def snapshots_at(
    git: Git,
    commits: Sequence[str],
    prefix: str,
    folder: str,
    unreadable: dict[str, set[str]] | None = None,
) -> tuple[dict[str, dict[str, Snapshot]], list[str]]:
    """commit -> document id -> Snapshot for the Markdown files below `folder` at each commit.

    One `ls-tree` per commit and one `cat-file --batch` for all their blobs. Also returns the
    (commit, path) of files whose front matter could not be read, and duplicate ids; those
    paths (relative to the content root) per commit go into `unreadable` when given.
    """
    trees = {c: git.ls_tree(c, prefix + folder) for c in dict.fromkeys(commits)}
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


def trailers(message: str, key: str) -> list[tuple[str, str]]:
    """(name, email) of every `Key: Name <email>` line (git trailer style, any paragraph)."""
    pattern = re.compile(rf"^{re.escape(key)}:\s*(.*?)\s*<([^<>]*)>\s*$", re.IGNORECASE | re.M)
    return [(m.group(1), m.group(2)) for m in pattern.finditer(message)]

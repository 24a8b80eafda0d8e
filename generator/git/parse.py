"""Parsers of git's output (history stage): log records, tag refs, signature checks, trees
and document snapshots, as plain dataclasses. Nothing here runs git (that is `client.py`)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from generator.content.load import YamlProblem, parse_yaml, split_front_matter
from generator.core.dates import parse_git_time

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
    fields = _control_fields(front) if front is not None else None
    if fields is None:
        return None
    doc_id, edition, status, distribution, reason = fields
    return Snapshot(doc_id, path, content_sha256(data), edition, status, distribution, reason, text)


ControlFields = tuple[str, str, str, tuple[str, ...], str]


@lru_cache(maxsize=4096)
def _control_fields(front: str) -> ControlFields | None:
    """(id, edition, status, distribution, withdrawal reason) of a front matter text. Cached:
    50 releases of 300 documents are 3,000 blobs, most with a front matter seen before."""
    try:
        meta = parse_yaml(front)[0]
    except YamlProblem:
        return None
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        return None
    distribution = meta.get("distribution") or ()
    return (
        meta["id"],
        str(meta.get("edition", "A")),
        str(meta.get("status", "effective")),
        tuple(str(d) for d in distribution) if isinstance(distribution, list) else (),
        str(meta.get("withdrawal_reason", "")),
    )


TREE = "40000"
GITLINK = "160000"  # a submodule's commit: not a file of this repository


def parse_tree(data: bytes, id_length: int) -> list[tuple[str, str, str]]:
    """(mode, name, object id) of each entry of a raw tree object (`git cat-file`), whose
    entries are `<mode> <name>\0<id as id_length bytes>`."""
    entries, pos = [], 0
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        end = nul + 1 + id_length
        name = data[space + 1 : nul].decode("utf-8", errors="replace")
        entries.append((data[pos:space].decode("ascii"), name, data[nul + 1 : end].hex()))
        pos = end
    return entries


def trailers(message: str, key: str) -> list[tuple[str, str]]:
    """(name, email) of every `Key: Name <email>` line (git trailer style, any paragraph)."""
    pattern = re.compile(rf"^{re.escape(key)}:\s*(.*?)\s*<([^<>]*)>\s*$", re.IGNORECASE | re.M)
    return [(m.group(1), m.group(2)) for m in pattern.finditer(message)]

"""The history of an unchanged repository, kept between runs.

Reading document control from git (every release's tree, the log, tag signatures) is the
same work each time the repository and the content are unchanged, and `cems build`,
`check` and `status` all start with it. A result is stored under a digest of everything
`read_history` reads: the code of cems, the content and schemas the model was loaded from
(`Model.sources_digest`), every ref and HEAD (`Git.ref_state`: a new commit, tag or branch
changes it), the gpg settings and keyring files that decide whether a signature verifies,
the shallow and graft files, the local release log and the published record, the
configuration, the requested ref and the day (in-force state and review dates follow it).

Entries are pickles in `<git common dir>/cems/history/`, written and read only by this
process's user inside the repository's own `.git` (anyone who can write there can already
change the history itself); a damaged entry is a miss. The newest `KEEP` entries are kept.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.content.model import Model
from generator.control.published import RELEASE_LOG, configured_record
from generator.control.types import History
from generator.core.config import Config
from generator.core.issues import Issue
from generator.core.local_cache import cache_dir, file_state, write_bytes
from generator.core.versions import code_fingerprint, parts_digest
from generator.git.client import Git, GitError

FOLDER = "history"
KEEP = 8
_GPG_FILES = ("pubring.kbx", "pubring.gpg", "trustdb.gpg", "gpg.conf")


def _gnupg_home() -> Path:
    named = os.environ.get("GNUPGHOME")
    return Path(named) if named else Path.home() / ".gnupg"


def repository_state(root: Path) -> str | None:
    """What the history of the repository around `root` depends on besides the files of its
    working tree: every ref and HEAD, the gpg settings and keyring files that decide whether
    a signature verifies, the shallow and graft files and the local release log. None
    outside a repository."""
    folder = cache_dir(root)
    if folder is None:
        return None
    git_dir = folder.parent
    try:
        refs = Git(root).ref_state()
    except GitError:
        return None
    gnupg = _gnupg_home()
    pieces = [
        refs,
        *(file_state(gnupg / name) for name in _GPG_FILES),
        file_state(git_dir / "shallow"),
        file_state(git_dir / "info" / "grafts"),
        file_state(git_dir / RELEASE_LOG),
    ]
    return "\0".join(pieces)


@dataclass(frozen=True)
class HistoryCache:
    """Where one `read_history` call's result is stored, or None when it cannot be keyed."""

    path: Path

    @classmethod
    def open(cls, config: Config, model: Model, at: str | None, day: date) -> HistoryCache | None:
        if not model.sources_digest:
            return None  # a model not loaded from files (a test's or a replaced one)
        folder = cache_dir(config.root)
        state = repository_state(config.root)
        if folder is None or state is None:
            return None
        pieces = [
            code_fingerprint(),
            model.sources_digest,
            state,
            repr(config),
            repr(at),
            day.isoformat(),
            date.today().isoformat(),
        ]
        record = configured_record(model, config.root)
        if record is not None:
            pieces.append(file_state(record))
        return cls(folder / FOLDER / f"{parts_digest(*pieces)}.pickle")

    def load(self) -> tuple[History, list[Issue]] | None:
        try:
            with self.path.open("rb") as handle:
                value = pickle.load(handle)
        except Exception:
            return None
        if (
            isinstance(value, tuple)
            and len(value) == 2
            and isinstance(value[0], History)
            and isinstance(value[1], list)
            and all(isinstance(issue, Issue) for issue in value[1])
        ):
            return value[0], value[1]
        return None

    def store(self, history: History, issues: list[Issue]) -> None:
        write_bytes(self.path, pickle.dumps((history, issues), protocol=pickle.HIGHEST_PROTOCOL))
        with contextlib.suppress(OSError):
            entries = sorted(self.path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
            for old in entries[:-KEEP]:
                old.unlink()

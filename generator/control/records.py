"""Record origins from git: a record is written once and dated; its author and date come from
the commit that added it, and later corrections are counted, never hidden.

Uses the log `history.py` already read (one pass), walking it oldest first and following renames.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from generator.control.types import RecordOrigin, Signature
from generator.git.client import Ident, LogEntry, trailers

RECORDS_FOLDER = "records/"


def record_origins(
    log: Sequence[LogEntry],
    prefix: str,
    recorded_by: Callable[[Ident], Signature],
    reviewed_by: Callable[[Ident], Signature] | None = None,
) -> dict[str, RecordOrigin]:
    """Record path (content-root relative) -> its origin, for records that exist at the end of `log`.
    With `reviewed_by`, the adding commit's `Reviewed-by:` trailers become the origin's reviewers."""
    under = prefix + RECORDS_FOLDER
    origins: dict[str, RecordOrigin] = {}
    for entry in reversed(log):  # git log lists newest first
        for change in entry.files:
            if not change.path.startswith(under) and not change.old_path.startswith(under):
                continue
            path, old = change.path.removeprefix(prefix), change.old_path.removeprefix(prefix)
            if change.status == "D":
                origins.pop(path, None)
            elif change.status == "R" and old in origins:  # moved: the record keeps its origin
                origins[path] = replace(origins.pop(old), path=path)
            elif change.status in "ARC" or path not in origins:  # a new record (or a copy)
                reviewers = (
                    tuple(
                        reviewed_by(Ident(name, email, entry.committer.when))
                        for name, email in trailers(entry.message, "Reviewed-by")
                    )
                    if reviewed_by
                    else ()
                )
                origins[path] = RecordOrigin(
                    path, recorded_by(entry.author), entry.commit, reviewers=reviewers
                )
            else:  # a later correction
                origin = origins[path]
                origins[path] = replace(
                    origin, later_changes=origin.later_changes + 1, last_changed=entry.author.when
                )
    return dict(sorted(origins.items()))

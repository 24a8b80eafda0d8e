"""What `cems publish` keeps outside the tags: the record of every released tag it published
(checked before anything is written) and the append-only register of genuine digests."""

from __future__ import annotations

from pathlib import Path

from generator.content.model import Model
from generator.control.published import read_versions_record, tag_problems
from generator.control.types import History
from generator.core.config import Config
from generator.core.issues import CemsError
from generator.git.client import Git
from generator.ops.digest_register import (
    REGISTER_NAME,
    SITE_REGISTER,
    merged,
    read_register,
    write_register,
)
from generator.ops.digests import Digests
from generator.ops.genuine import GenuineCopies, issued_numbers
from generator.render.word.copy import cache_key

# cache key of a copy (every input, the renderer's code included) -> its digest
_COPY_DIGESTS: dict[str, str] = {}


def check_published_tags(config: Config, versions_dir: Path) -> None:
    """The previous publish's versions.json is the outside record of every released tag: a
    tag it records that is gone, moved or recreated stops the publish before anything is
    written (the ledger in the tags cannot see the newest release deleted)."""
    record = versions_dir / "versions.json"
    shown = record.as_posix()
    recorded, issues = read_versions_record(record, shown)
    issues += tag_problems(recorded, Git(config.root).release_tags(), shown)
    if issues:
        raise CemsError(
            "已发布的版本记录与发布标签不一致，不能发布 (published releases no longer match the tags)",
            issues,
        )


def keep_digests(versions_dir: Path, names: list[str]) -> None:
    """versions/digests.json: every digest any published version ever recorded, append-only,
    so a copy rendered by an older cems still verifies after the versions are rebuilt."""
    path = versions_dir / REGISTER_NAME
    records = read_register(path) if path.is_file() else []
    for name in names:
        register = versions_dir / name / SITE_REGISTER
        if register.is_file():
            records = merged(records, read_register(register))
    if records:
        write_register(path, records)


def issued_copy_digests(
    config: Config, model: Model, history: History, work: Path, digests: Digests
) -> Digests:
    """`digests` with the department copies issued with every revision in force in this
    version (publish renders master copies only): the copies holders actually have."""
    copies = GenuineCopies(config, model, history, work)
    result = dict(digests)
    for doc_id, control in sorted(history.documents.items()):
        revision = control.in_force
        if revision is None or control.is_withdrawn:
            continue
        rows = list(result.get((doc_id, revision.label), []))
        have = {number for number, _digest in rows}
        for number in issued_numbers(control, revision.label):
            if number in have:
                continue
            ctx = copies.document_context(doc_id, revision.label, number)
            if ctx is not None:
                key = cache_key(ctx, copies.template)
                if key not in _COPY_DIGESTS:  # a revision in force in many versions: once
                    _COPY_DIGESTS[key] = copies.digest(ctx)
                rows.append((number, _COPY_DIGESTS[key]))
        result[(doc_id, revision.label)] = rows
    return result

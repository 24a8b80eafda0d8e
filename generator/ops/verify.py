"""Verify a controlled copy found in the field: is it genuine, and is its revision in force?

Read-only. Nothing the copy says about itself is trusted: its properties only name the claim
(document, revision, 分发号), and the claim is then checked against git. The file is opened
with bounded decompression and entity-free XML (`docx_inspect`); the genuine copy of the
claimed revision is rendered again from its release (`genuine`) and the two packages are
compared part by part — body, headers, footers, images, styles, every property. Only a copy
identical to the genuine one is judged in force (0), superseded (4) or withdrawn (5); anything
else — unreadable, unknown, from another organisation, a 分发号 never issued, any edit — is 6.
"""

from __future__ import annotations

import enum
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from generator.content.model import Model
from generator.control.published import configured_record
from generator.control.types import UNRELEASED, DocumentControl, History
from generator.core.config import Config
from generator.ops.digest_register import RecordedDigest, find_record, published_registers
from generator.ops.digests import WITHDRAWN_MASTER
from generator.ops.docx_inspect import UntrustedCopy, differing_areas, digest_of, open_package
from generator.ops.genuine import REPORT_RECORDS, GenuineCopies
from generator.render.word.context import MASTER_NUMBER, CopyContext


class VerifyCode(enum.IntEnum):
    """Exit codes of `cems verify` (0-3 are shared by every verb)."""

    IN_FORCE = 0
    SUPERSEDED = 4
    WITHDRAWN = 5
    ALTERED_OR_UNKNOWN = 6


@dataclass(frozen=True)
class Verdict:
    file: str
    state: str  # in_force | superseded | withdrawn | altered | unknown
    message: str
    document_id: str = ""
    revision: str = ""
    commit: str = ""
    current_revision: str = ""  # the revision in force now ("" when none)
    distribution_number: str = ""
    digest: str = ""  # normalised digest of the copy checked
    genuine_digest: str = ""  # the same digest of the genuine copy ("" when there is none)
    record: str = ""  # the digest register entry that vouched for it when a re-render differs

    @property
    def exit_code(self) -> VerifyCode:
        return {
            "in_force": VerifyCode.IN_FORCE,
            "superseded": VerifyCode.SUPERSEDED,
            "withdrawn": VerifyCode.WITHDRAWN,
        }.get(self.state, VerifyCode.ALTERED_OR_UNKNOWN)

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "exit_code": int(self.exit_code)}


class _Refused(Exception):
    def __init__(self, state: str, message: str) -> None:
        super().__init__(message)
        self.state, self.message = state, message


def verify_copy(
    path: Path,
    config: Config,
    model: Model,
    history: History,
    recorded: Sequence[RecordedDigest] = (),
) -> Verdict:
    """Judge one copy against the content repository at `config.root`. `recorded` are the
    genuine digests published registers recorded: a copy matching one of exactly its claim is
    genuine even when today's re-render differs (a cems upgrade changed the Word output)."""
    base: dict[str, str] = {"file": path.name}
    try:
        package = open_package(path)
        package.check_xml()
        props = package.custom_properties()
        mine = package.part_digests()
        base.update(
            document_id=props.get("cems.document_id", ""),
            revision=props.get("cems.revision", ""),
            commit=props.get("cems.commit", ""),
            distribution_number=props.get("cems.distribution_number", ""),
            digest=digest_of(mine),
        )
        with tempfile.TemporaryDirectory(prefix="cems-verify-") as work:
            genuine = GenuineCopies(config, model, history, Path(work))
            return _judge(base, props, mine, genuine, recorded)
    except UntrustedCopy as error:
        return Verdict(**base, state="unknown", message=error.message)
    except _Refused as refused:
        return Verdict(**base, state=refused.state, message=refused.message)


def published_digests(config: Config, model: Model, folder: Path | None) -> list[RecordedDigest]:
    """The registers of the published site `folder`, else of the site whose versions.json
    organisation.yaml names (releases.published_record), else none."""
    if folder is not None:
        return published_registers(folder)
    record = configured_record(model, config.root)
    if record is None or not record.parent.is_dir():
        return []
    return published_registers(record.parent, required=False)  # e.g. published --no-word


def _judge(
    base: dict[str, str],
    props: dict[str, str],
    mine: dict[str, str],
    genuine: GenuineCopies,
    recorded: Sequence[RecordedDigest],
) -> Verdict:
    doc_id, revision = base["document_id"], base["revision"]
    if props.get("cems.register") and not doc_id:
        return _register(base, props, mine, genuine)
    if not doc_id or not revision:
        raise _Refused("unknown", "文件中没有 cems 受控标识 (no cems control properties)")
    organisation = genuine.model.organisation.name
    claimed_org = props.get("cems.organisation")
    if claimed_org is not None and claimed_org != organisation:
        raise _Refused(
            "unknown",
            f"副本属于其他组织「{claimed_org}」，不是本文件库的受控副本 "
            "(a copy of another organisation)",
        )
    report = next((r for r in genuine.model.records_of(REPORT_RECORDS) if r.id == doc_id), None)
    control = genuine.history.documents.get(doc_id)
    if report is not None:
        ctx = genuine.report_context(report)
        if ctx is None or ctx.control.in_force is None or ctx.control.revision_label != revision:
            raise _Refused("unknown", "该报告没有已发布的受控版本 (no released report)")
        _compare(base, mine, genuine, ctx, _recorded(recorded, base, props))
        return _state(base, ctx.control)
    if control is None or not control.revisions:
        raise _Refused("unknown", f"文件库中没有已发布的文件 {doc_id} (unknown document)")
    base["current_revision"] = control.in_force.label if control.in_force else ""
    status = props.get("cems.status", "")
    if revision == UNRELEASED or status == "draft":
        return _draft(base, control)
    ctx = _claimed_context(base, status, control, genuine)
    _compare(base, mine, genuine, ctx, _recorded(recorded, base, props))
    return _state(base, control)


def _claimed_context(
    base: dict[str, str], status: str, control: DocumentControl, genuine: GenuineCopies
) -> CopyContext:
    doc_id, revision, number = base["document_id"], base["revision"], base["distribution_number"]
    if revision not in {r.label for r in control.revisions}:
        raise _Refused("unknown", f"{doc_id} 没有发布过版本 {revision} (no such released revision)")
    if status == "withdrawn":
        ctx = genuine.withdrawn_context(doc_id)
        if ctx is None or ctx.control.revision_label != revision:
            raise _Refused("unknown", f"{doc_id} {revision} 没有作废副本 (no withdrawn copy)")
        return ctx
    issued = {c.distribution_number for c in control.copies if c.revision == revision}
    if number != MASTER_NUMBER and number not in issued:
        raise _Refused(
            "unknown",
            f"分发号 {number or '（空）'} 不在 {doc_id} {revision} 的发放记录中 "
            "(distribution number not in the issue register)",
        )
    ctx = genuine.document_context(doc_id, revision, number)
    if ctx is None:
        raise _Refused("unknown", f"无法从 git 取回 {doc_id} {revision} 的发布文本 (no text)")
    return ctx


def _recorded(
    recorded: Sequence[RecordedDigest], base: dict[str, str], props: dict[str, str]
) -> RecordedDigest | None:
    """The register entry of exactly this claim (document, revision, 分发号) and digest."""
    number = base["distribution_number"] or MASTER_NUMBER
    if props.get("cems.status") == "withdrawn":
        number = WITHDRAWN_MASTER
    return find_record(
        list(recorded), base["document_id"], base["revision"], number, base["digest"]
    )


def _compare(
    base: dict[str, str],
    mine: dict[str, str],
    genuine: GenuineCopies,
    ctx: CopyContext,
    record: RecordedDigest | None = None,
) -> None:
    expected = genuine.part_digests(ctx)
    base["genuine_digest"] = digest_of(expected)
    if expected != mine and record is not None:
        # today's cems renders this revision differently; a published register vouches for it
        base["genuine_digest"] = record.digest
        base["record"] = record.describe()
        return
    if expected != mine:
        areas = "、".join(differing_areas(mine, expected))
        raise _Refused(
            "altered",
            f"与 {ctx.document.id} {ctx.control.revision_label} 的真实副本不一致，"
            f"文件已被修改或伪造；不同之处：{areas} "
            "(does not match the genuine copy: altered or forged)",
        )


def _state(base: dict[str, str], control: DocumentControl) -> Verdict:
    revision = base["revision"]
    current = control.in_force.label if control.in_force else ""
    base["current_revision"] = current
    if control.withdrawn_in is not None:
        when = control.withdrawn_in
        return Verdict(
            **base,
            state="withdrawn",
            message=f"文件已于 {when.effective_date}（{when.tag}）作废，不得使用 (withdrawn)",
        )
    if revision == current:
        return Verdict(**base, state="in_force", message=f"现行有效版本 {revision} (in force)")
    later = control.in_force
    since = f"，自 {later.effective_date} 起（{later.release.tag}）" if later else ""
    return Verdict(
        **base,
        state="superseded",
        message=f"已被 {current or '后续版本'} 替代{since} "
        f"(superseded by {current or 'a later revision'})",
    )


def _register(
    base: dict[str, str], props: dict[str, str], mine: dict[str, str], genuine: GenuineCopies
) -> Verdict:
    """A Word register (台账): genuine if identical to the one built from its commit."""
    name, commit = props["cems.register"], base["commit"]
    base["document_id"] = f"register:{name}"
    expected = genuine.register_parts(name, commit) if commit else None
    if expected is None:
        raise _Refused(
            "unknown",
            f"本文件库中没有提交 {commit[:12] or '—'} 的登记表「{name}」(unknown register)",
        )
    base["genuine_digest"] = digest_of(expected)
    if expected != mine:
        areas = "、".join(differing_areas(mine, expected))
        raise _Refused(
            "altered", f"与提交 {commit[:12]} 生成的登记表不一致：{areas} (register altered)"
        )
    if commit == genuine.history.head_commit:
        return Verdict(**base, state="in_force", message="与当前登记表一致 (the current register)")
    return Verdict(
        **base,
        state="superseded",
        message=f"真实的登记表，但生成于较早的提交 {commit[:12]}；请使用最新登记表 "
        "(genuine, but an older register)",
    )


def _draft(base: dict[str, str], control: DocumentControl) -> Verdict:
    current = base["current_revision"]
    if control.is_withdrawn:
        return _state(base, control)
    if current:
        return Verdict(
            **base,
            state="superseded",
            message=f"草稿副本，不是受控文件；现行版本为 {current} (a draft; {current} is in force)",
        )
    return Verdict(**base, state="unknown", message="未发布的草稿 (an unreleased draft)")

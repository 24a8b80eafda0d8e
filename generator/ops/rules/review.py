"""Rules of clause 10: every management review has the inputs of 10 a) and outputs of 10 b),
its actions are followed up to closure, and reviews are held at the planned interval."""

from __future__ import annotations

from collections.abc import Iterator

from generator.content.model import Record
from generator.core.dates import add_months
from generator.ops.rules.base import Context, Hit, RuleSpec, blank, day, rule


def reviews(ctx: Context) -> list[Record]:
    found = [r for r in ctx.records("management-reviews") if (r.date or ctx.as_of) <= ctx.as_of]
    return sorted(found, key=lambda r: r.sort_date)


def _input_text(value: object) -> object:
    """An input is either free text or {text, refs}."""
    return value.get("text") if isinstance(value, dict) else value


@rule("MR-INPUT-MISSING")
def input_missing(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in reviews(ctx):
        inputs = record.data.get("inputs") or {}
        for name, title in ctx.catalogue["review_inputs"].items():
            if blank(_input_text(inputs.get(name))):
                yield Hit(record.path, ("inputs", name), {"record": record.id, "item": title})


@rule("MR-OUTPUT-MISSING")
def output_missing(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    for record in reviews(ctx):
        outputs = record.data.get("outputs") or {}
        for name, title in ctx.catalogue["review_outputs"].items():
            if blank(_input_text(outputs.get(name))):
                yield Hit(record.path, ("outputs", name), {"record": record.id, "item": title})


def action_state(ctx: Context, action: dict[str, object], later: list[Record]) -> str:
    """ "" when the action is closed, else why it is not (in Chinese)."""
    if action.get("status") == "closed":
        return ""
    capa = ctx.model.records_of("nonconformities")
    linked = [r for r in capa if r.id == action.get("capa")]
    if linked and linked[0].data.get("status") == "closed":
        return ""
    action_id = action.get("id")
    for record in later:
        for follow in record.data.get("followed_up") or []:
            if action_id and follow.get("action") == action_id and follow.get("status") == "closed":
                return ""
    if linked:
        return f"关联的 {linked[0].id} 尚未关闭"
    return "以后的管理评审和措施状态中没有关闭记录"


@rule("MR-ACTION-OPEN")
def action_open(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    found = reviews(ctx)
    for position, record in enumerate(found):
        for index, action in enumerate(record.data.get("actions") or []):
            due = day(action.get("due"))
            if due is None or due >= ctx.as_of:
                continue
            state = action_state(ctx, action, found[position + 1 :])
            if state:
                yield Hit(
                    record.path,
                    ("actions", index),
                    {
                        "record": record.id,
                        "action": action["action"],
                        "due": due.isoformat(),
                        "state": state,
                    },
                )


@rule("MR-OVERDUE")
def review_overdue(ctx: Context, spec: RuleSpec) -> Iterator[Hit]:
    found = reviews(ctx)
    if not found:
        return
    last = found[-1].date
    if last is None:
        return
    due = add_months(last, int(spec.param("interval_months")))
    if due < ctx.as_of:
        yield Hit(found[-1].path, ("date",), {"last": last.isoformat(), "due": due.isoformat()})

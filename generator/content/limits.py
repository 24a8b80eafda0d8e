"""Limits: what later stages need of content, checked where the content is read.

A value the schema accepts can still break a later stage: a control character that
WordprocessingML cannot hold, a number too large for the carbon arithmetic, a record file
with no data (a year's total of 0 that looks like a met target), a scaffold placeholder
left in place, a date in a year not yet reached. Each becomes a located error here, so
the build never starts on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.core.issues import Issue

# Characters XML 1.0 (and so .docx/.xlsx) cannot contain: C0 controls except tab, line
# feed and carriage return; lone surrogates; U+FFFE and U+FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Largest magnitude a number in content may have: far beyond any organisation's tonnes,
# kWh or yuan, and small enough that exact decimal arithmetic never overflows.
NUMBER_LIMIT = 1e12
# A recorded date may run this far ahead of today (clock skew, a record dated at month end).
FUTURE_TOLERANCE = timedelta(days=31)
PLACEHOLDER = "待填写"  # what `cems new` writes where the schema has no example value


def _char_name(char: str) -> str:
    names = {"\x00": "NUL", "\x1b": "ESC", "\x0b": "VT", "\x0c": "FF", "\x08": "BS"}
    return names.get(char, f"U+{ord(char):04X}")


def illegal_characters(rel: str, text: str) -> list[Issue]:
    """One issue per line holding a character Word and Excel files cannot contain."""
    if not XML_ILLEGAL.search(text):  # the usual case: one scan, no line splitting
        return []
    issues = []
    for number, line in enumerate(text.split("\n"), start=1):  # splitlines() eats VT and FF
        match = XML_ILLEGAL.search(line)
        if match:
            issues.append(
                Issue(
                    rel,
                    number,
                    "",
                    f"第 {match.start() + 1} 列有控制字符 {_char_name(match.group())}，"
                    "Word/Excel 无法保存 (control character not allowed)",
                    code="TEXT-CONTROL-CHAR",
                    hint="删除该字符；它通常来自复制粘贴或终端输出。",
                )
            )
        if len(issues) >= 5:  # a binary file: the first few are enough
            break
    return issues


def decode_error(rel: str, path: Path, error: UnicodeDecodeError) -> Issue:
    """A non-UTF-8 file, located at the line of its first undecodable byte."""
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    return decoding_issue(rel, data, error)


def decoding_issue(rel: str, data: bytes, error: UnicodeDecodeError) -> Issue:
    """`decode_error` for bytes already read (a blob from git)."""
    line = data[: error.start].count(b"\n") + 1
    column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
    return Issue(
        rel,
        line,
        "",
        f"文件不是 UTF-8 编码：第 {column} 个字节 0x{data[error.start]:02X} 无法解码 "
        "(file is not UTF-8)"
        if error.start < len(data)
        else "文件不是 UTF-8 编码 (file is not UTF-8)",
        code="FILE-ENCODING",
        hint="用编辑器另存为 UTF-8（如从 GBK/GB2312 转换）。",
    )


def _walk(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(path, value) of every scalar, depth first (scalars inline: 300,000 CSV cells)."""
    if isinstance(value, dict):
        items: Iterable[tuple[str | int, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        yield path, value
        return
    for key, item in items:
        if isinstance(item, dict | list):
            yield from _walk(item, (*path, key))
        else:
            yield (*path, key), item


def _bad_number(value: float | int | Decimal) -> bool:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return not number.is_finite() or abs(number) > NUMBER_LIMIT


def _clean(data: Any) -> bool:
    """Whether no value of `data` has an issue below: one loop over the values, each value
    object checked once (the common case: 300,000 CSV cells sharing a few hundred objects,
    nothing to report; the values stay alive in `data`, so their ids are unique)."""
    todo, seen = [data], set()
    while todo:
        value = todo.pop()
        kind = type(value)
        if kind is dict:
            todo.extend(value.values())
        elif kind is list:
            todo.extend(value)
        elif id(value) in seen:
            continue
        elif isinstance(value, str):
            if XML_ILLEGAL.search(value) or PLACEHOLDER in value:
                return False
        elif isinstance(value, dict):
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
        elif isinstance(value, float | int | Decimal) and not isinstance(value, bool):
            if _bad_number(value):
                return False
        seen.add(id(value))
    return True


def value_issues(rel: str, data: Any, line_of: Any) -> Iterator[Issue]:
    """Numbers that are not finite or too large; scaffold placeholders left in place."""
    if _clean(data):
        return
    for path, value in _walk(data, ()):
        if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
            if _bad_number(value):
                yield Issue(
                    rel,
                    line_of(path),
                    "/".join(map(str, path)),
                    f"数值 {value!r} 超出允许范围（绝对值不超过 {NUMBER_LIMIT:.0e}） "
                    "(number out of range)",
                    code="VALUE-RANGE",
                    hint="检查单位和小数点；数值不能是无穷大或超过一万亿。",
                )
        elif isinstance(value, str) and (match := XML_ILLEGAL.search(value)):
            # written as a YAML escape ("\e", "\0"): not in the text, but in the value
            yield Issue(
                rel,
                line_of(path),
                "/".join(map(str, path)),
                f"含控制字符 {_char_name(match.group())}，Word/Excel 无法保存 "
                "(control character not allowed)",
                code="TEXT-CONTROL-CHAR",
                hint="删除该字符（YAML 转义如 \\e、\\0 也会产生控制字符）。",
            )
        elif isinstance(value, str) and PLACEHOLDER in value:
            yield Issue(
                rel,
                line_of(path),
                "/".join(map(str, path)),
                f"仍是占位文字「{PLACEHOLDER}」 (placeholder not filled in)",
                code="VALUE-PLACEHOLDER",
                hint="填写实际内容后再提交。",
            )


def empty_record(rel: str, kind: str, text: str, data: Any) -> Issue | None:
    """A record file with nothing in it (or a CSV with a header but no rows)."""
    if not text.strip():
        message = "记录文件为空 (record file is empty)"
    elif kind == "csv" and isinstance(data, dict) and not data.get("rows"):
        message = "CSV 文件只有表头，没有数据行 (CSV has no data rows)"
    else:
        return None
    return Issue(
        rel,
        1,
        "",
        message,
        code="RECORD-EMPTY",
        hint="没有数据就删除这个文件；空文件会让年度合计为 0。",
    )


# Block nesting (lists, quotes) a body may have: Python-Markdown, which builds the site,
# recurses per level and fails somewhere between 400 and 800 nested lists.
MAX_BLOCK_LEVEL = 200  # markdown-it levels: about two per list level
_DEEP_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]{100,}", re.MULTILINE)


def nesting_issue(rel: str, body: str, body_line: int) -> Issue | None:
    """A body whose lists or quotes nest deeper than the site's Markdown parser can follow."""
    if not _DEEP_PREFIX.search(body):  # each level takes at least one prefix character
        return None
    from markdown_it import MarkdownIt

    # markdown-it stops nesting at maxNesting (and recurses per level itself): cap it just
    # above the limit, so reaching the cap is the finding
    tokens = MarkdownIt("commonmark", {"maxNesting": MAX_BLOCK_LEVEL + 2}).parse(body)
    deep = next((t for t in tokens if t.level >= MAX_BLOCK_LEVEL), None)
    if deep is None:
        return None
    return Issue(
        rel,
        body_line + (deep.map[0] if deep.map else 0),
        "",
        "列表或引用嵌套层次过深 (lists or quotes nested too deeply)",
        code="MD-NESTING",
        hint="正文的列表和引用请不超过几层；更深的结构请改用表格或分节。",
    )


def latest_allowed(today: date | None = None) -> date:
    return (today or date.today()) + FUTURE_TOLERANCE


def after_limit(value: Any, limit: date) -> bool:
    """Whether a YYYY-MM-DD date or YYYY-MM month lies after `limit` (bad formats: no)."""
    if not isinstance(value, str):
        return False
    text = value + "-01" if re.fullmatch(r"\d{4}-\d{2}", value) else value
    try:
        when = date.fromisoformat(text)
    except ValueError:
        return False
    return when > limit

"""Load stage: read YAML and Markdown-with-front-matter files into `SourceFile`s (CSV: `load_csv.py`).

YAML is read strictly and line-aware: we compose PyYAML nodes ourselves so that
duplicate keys, anchors/aliases and YAML 1.1 surprises (`no` -> False, `0755` -> 493)
never reach the model, and every value keeps the line it came from.
A number with a fraction or exponent (YAML or CSV) becomes a `Decimal` built from its source
text, never a float: `12345678.123456789` stays exactly that. Integers stay `int`.
A file that cannot be parsed becomes an Issue; the run goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import yaml

from generator.content.limits import decode_error, decoding_issue, illegal_characters
from generator.core.issues import Issue

try:  # the C composer is ~6x faster; marks and node identity are the same
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]

FRONT_MATTER = "---"
MAX_DEPTH = 32  # no content schema nests deeper than a few levels

# YAML 1.2 core schema for plain scalars; anything else stays a string.
_NULL = re.compile(r"^(~|null|Null|NULL|)$")
BOOLEAN_WORDS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
INTEGER_TEXT = re.compile(r"^[-+]?[0-9]+$")
DECIMAL_TEXT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


@dataclass
class SourceFile:
    """One file of the content repository as the later stages see it."""

    rel: str  # path relative to the root, forward slashes
    kind: str  # "yaml" | "markdown" | "csv"
    data: Any = None
    positions: dict[Path_, int] = field(default_factory=dict)
    body: str = ""  # Markdown body after the front matter
    body_line: int = 1
    text: str = ""
    issues: list[Issue] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """Line of the value at `path`, or of its nearest ancestor."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), 1)


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None, field: str = "") -> None:
        super().__init__(message)
        self.message, self.line, self.field = message, line, field


def _plain_scalar(value: str) -> Any:
    if _NULL.match(value):
        return None
    if value in BOOLEAN_WORDS:
        return BOOLEAN_WORDS[value]
    if INTEGER_TEXT.match(value):
        return int(value)
    if DECIMAL_TEXT.match(value) and any(c.isdigit() for c in value):
        return Decimal(value)
    return value


def _pointer(path: Path_) -> str:
    return "/".join(str(p) for p in path)


def _construct(
    node: yaml.Node, path: Path_, positions: dict[Path_, int], seen: set[int], offset: int
) -> Any:
    if id(node) in seen:
        raise YamlProblem(
            "不允许使用 YAML 锚点和别名 (anchors/aliases are not allowed)",
            positions.get(path, node.start_mark.line + 1 + offset),
            _pointer(path),
        )
    seen.add(id(node))
    positions.setdefault(path, node.start_mark.line + 1 + offset)
    if len(path) > MAX_DEPTH:
        raise YamlProblem(
            f"嵌套超过 {MAX_DEPTH} 层 (nesting deeper than {MAX_DEPTH} levels)",
            node.start_mark.line + 1 + offset,
            _pointer(path[:MAX_DEPTH]),
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or key_node.tag == "tag:yaml.org,2002:merge"
            ):
                raise YamlProblem(
                    "键必须是普通文本，不支持合并键 (keys must be plain text; merge keys not allowed)",
                    key_node.start_mark.line + 1 + offset,
                    _pointer(path),
                )
            key = str(key_node.value)
            key_path = (*path, key)
            if key in result:
                raise YamlProblem(
                    f"重复的键 '{key}' (duplicate key)",
                    key_node.start_mark.line + 1 + offset,
                    _pointer(key_path),
                )
            positions[key_path] = key_node.start_mark.line + 1 + offset
            result[key] = _construct(value_node, key_path, positions, seen, offset)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, (*path, i), positions, seen, offset)
            for i, item in enumerate(node.value)
        ]
    # a plain scalar (no quotes, no block style): YAML 1.2 core types only
    if isinstance(node, yaml.ScalarNode) and not node.style:
        return _plain_scalar(node.value)
    return node.value


# PyYAML's problems in Chinese: (start of PyYAML's text, what a person should check)
_YAML_PROBLEMS = (
    ("could not find expected ':'", "缺少冒号：每行应写成“键: 值”"),
    (
        "mapping values are not allowed",
        "此处不能有“: ”：值里含冒号时请给整个值加引号；或本行缩进与上一行不一致",
    ),
    ("found character '\\t'", "不能用制表符（Tab）缩进，请改用空格"),
    ("found a tab character", "不能用制表符（Tab）缩进，请改用空格"),
    ("found character", "出现了不能开始一个值的字符：请给值加引号"),
    ("expected <block end>", "缩进不一致：同一层的键（或列表项）必须左对齐"),
    ("did not find expected key", "缩进不一致或缺少键"),
    ("did not find expected '-' indicator", "列表项缩进不一致：每项以同样缩进的“- ”开头"),
    ("found unexpected end of stream", "引号没有闭合：值以引号开始，必须以同一种引号结束"),
    ("expected ',' or ']'", "方括号列表没有闭合，或列表项之间缺少逗号"),
    ("expected ',' or '}'", "花括号映射没有闭合，或项之间缺少逗号"),
    ("did not find expected node content", "缺少值：冒号或“- ”后面没有内容"),
    ("found unknown escape character", "双引号中的反斜杠转义无效：改用单引号或写成 \\\\"),
    ("found undefined alias", "不允许使用 YAML 锚点和别名"),
    ("expected a single document", "一个文件只能有一个 YAML 文档（去掉多余的 ---）"),
    ("found unexpected ':'", "此处不能有冒号：请给值加引号"),
)
# where PyYAML notices these problems only on the next line, the line it started on is right
_CONTEXT_IS_THE_LINE = ("while scanning a simple key", "while scanning a quoted scalar")


def yaml_problem_text(problem: str) -> str:
    """A PyYAML problem in Chinese, PyYAML's own words as the English gist."""
    zh = next(
        (zh for en, zh in _YAML_PROBLEMS if en in problem), "无法解析，请检查这一行及其上一行"
    )
    return f"YAML 语法错误：{zh} (YAML syntax error: {problem})"


def _too_deep(text: str, limit: int) -> int | None:
    """Line where flow brackets nest deeper than `limit`, or None. libyaml's recursive
    composer overflows the C stack (a segfault) at ~20,000 levels, so this runs first. Quotes
    are not honoured on purpose: nothing can hide brackets from the count, and no real
    content has a thousand unclosed brackets in its strings."""
    if text.count("[") + text.count("{") <= limit:
        return None
    depth, line = 0, 1
    for char in text:
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


def parse_yaml(text: str, offset: int = 0) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML text strictly; return (data, positions). Raises YamlProblem."""
    positions: dict[Path_, int] = {}
    deep = _too_deep(text, 1000)
    if deep is not None:
        raise YamlProblem(f"嵌套超过 {MAX_DEPTH} 层 (nesting too deep)", deep + offset)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:
        raise YamlProblem(f"嵌套超过 {MAX_DEPTH} 层 (nesting too deep)", None) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and (exc.context or "").startswith(_CONTEXT_IS_THE_LINE):
            mark = exc.context_mark
        line = mark.line + 1 + offset if mark else None
        message = yaml_problem_text(exc.problem or str(exc))
        if (
            exc.context_mark
            and mark is not exc.context_mark
            and exc.context_mark.line < (mark.line if mark else 0)
        ):
            message += f"；相关结构从第 {exc.context_mark.line + 1 + offset} 行开始"
        raise YamlProblem(message, line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (C1 controls)
        position = max(0, int(exc.position))
        line = text[:position].count("\n") + 1 + offset
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise YamlProblem(
            f"YAML 不允许的字符 {char} (character not allowed in YAML)", line
        ) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML 语法错误 (YAML syntax error): {exc}", None) from None
    if node is None:
        return None, {(): 1 + offset}
    return _construct(node, (), positions, set(), offset), positions


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split `---` front matter from a Markdown text: (yaml or None, body, body's first line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER:
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() == FRONT_MATTER:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    return None, text, 1


def read_text(path: Path) -> str:
    """Read UTF-8 (a BOM written by Windows editors is dropped)."""
    return path.read_text(encoding="utf-8-sig")


def _problem_issue(rel: str, problem: YamlProblem) -> Issue:
    return Issue(rel, problem.line, problem.field, problem.message, code="YAML-PARSE")


def read_into(source: SourceFile, path: Path) -> bool:
    """Read the file's text into `source`; False (with located issues) when it is not UTF-8
    or holds characters Word and Excel cannot store, so it is not parsed any further."""
    try:
        source.text = read_text(path)
    except UnicodeDecodeError as error:
        source.issues.append(decode_error(source.rel, path, error))
        return False
    except OSError as error:
        source.issues.append(
            Issue(
                source.rel,
                None,
                "",
                f"无法读取文件 (cannot read file): {error.strerror or error}",
                code="FILE-READ",
            )
        )
        return False
    source.issues += illegal_characters(source.rel, source.text)
    return not source.issues


class ParseMemo(Protocol):
    """Parsed files kept from an earlier run, found by the exact text they were parsed from
    (`source_cache.SourceCache`); `params` names whatever else the parse depended on."""

    def recall(self, source: SourceFile, params: str) -> SourceFile | None: ...

    def keep(self, source: SourceFile, params: str) -> None: ...


def parsed_with_memo(
    source: SourceFile,
    parse: Callable[[SourceFile], SourceFile],
    memo: ParseMemo | None,
    params: str = "",
) -> SourceFile:
    """`parse(source)` (its text already read), or the memo's result for the same text."""
    if memo is None:
        return parse(source)
    known = memo.recall(source, params)
    if known is not None:
        return known
    parsed = parse(source)
    memo.keep(parsed, params)
    return parsed


def _parse_yaml_source(source: SourceFile) -> SourceFile:
    try:
        source.data, source.positions = parse_yaml(source.text)
    except YamlProblem as problem:
        source.issues.append(_problem_issue(source.rel, problem))
    return source


def load_yaml_file(path: Path, rel: str, memo: ParseMemo | None = None) -> SourceFile:
    source = SourceFile(rel=rel, kind="yaml")
    if not read_into(source, path):
        return source
    return parsed_with_memo(source, _parse_yaml_source, memo)


def load_markdown_file(path: Path, rel: str, memo: ParseMemo | None = None) -> SourceFile:
    source = SourceFile(rel=rel, kind="markdown")
    if not read_into(source, path):
        return source
    return parsed_with_memo(source, _parse_markdown, memo)


def markdown_source(rel: str, data: bytes) -> SourceFile:
    """A Markdown file read from bytes (a blob from git) exactly as `load_markdown_file`
    reads it from disk."""
    source = SourceFile(rel=rel, kind="markdown")
    try:
        source.text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        source.issues.append(decoding_issue(rel, data, error))
        return source
    source.issues += illegal_characters(rel, source.text)
    return source if source.issues else _parse_markdown(source)


def _parse_markdown(source: SourceFile) -> SourceFile:
    rel = source.rel
    front, source.body, source.body_line = split_front_matter(source.text)
    if front is None:
        source.issues.append(
            Issue(
                rel,
                1,
                "",
                "缺少以 --- 开始和结束的文件头 (missing --- front matter)",
                code="FRONT-MATTER-MISSING",
                hint="文件第一行写 ---，随后写 YAML 字段，再以 --- 结束。",
            )
        )
        return source
    try:
        source.data, source.positions = parse_yaml(front, offset=1)
    except YamlProblem as problem:
        source.issues.append(_problem_issue(rel, problem))
    return source


def iter_files(folder: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """Files below `folder` with one of `suffixes`, in a stable order."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in suffixes and not path.name.startswith("."):
            yield path

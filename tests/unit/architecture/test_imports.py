"""The one-way rule of ARCHITECTURE.md, checked from the imports of `generator/`.

Every `import` (deferred ones inside functions included) is an edge. A module may import its
own stage or an earlier one, never a later one; the module graph has no cycle; renderers read
only the History types of `control`, never git or the code that derives the history.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "generator"

# Stages in pipeline order; a module's stage is the longest prefix listed here.
STAGES = [
    "generator.core",
    "generator.content",
    "generator.git",
    "generator.control",
    "generator.carbon.calc",
    "generator.carbon.report",
    "generator.manifest",
    "generator.render",
    "generator.ops",
    "generator.cli",
]
# What render may read of control: the types of the History it is handed.
RENDER_MAY_USE = {"generator.control", "generator.control.types"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "resources" in path.relative_to(PACKAGE).parts:
            continue  # shipped data (a template's generator script), not a stage
        name = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        candidates: list[str] = []
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            candidates = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for candidate in candidates:
            while candidate and candidate not in modules:
                candidate = candidate.rsplit(".", 1)[0] if "." in candidate else ""
            if candidate and candidate != name and candidate != "generator":
                targets.add(candidate)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _stage(name: str) -> int:
    matches = [i for i, s in enumerate(STAGES) if name == s or name.startswith(s + ".")]
    return matches[-1] if matches else -1


def test_every_module_belongs_to_a_stage() -> None:
    loose = [
        n
        for n in _graph()
        if _stage(n) < 0 and n not in {"generator", "generator.__main__", "generator.carbon"}
    ]
    assert not loose, f"modules outside every stage of ARCHITECTURE.md: {loose}"


def test_no_stage_imports_a_later_one() -> None:
    backward = [
        f"{a} -> {b}"
        for a, targets in _graph().items()
        for b in targets
        if a != "generator.__main__" and _stage(b) > _stage(a)
    ]
    assert not backward, "backward imports:\n" + "\n".join(sorted(backward))


def test_renderers_never_reach_git_or_history_internals() -> None:
    reaching = [
        f"{a} -> {b}"
        for a, targets in _graph().items()
        if a.startswith("generator.render")
        for b in targets
        if b.startswith("generator.git")
        or (b.startswith("generator.control") and b not in RENDER_MAY_USE)
    ]
    assert not reaching, "renderers reading git:\n" + "\n".join(sorted(reaching))


def test_the_module_graph_has_no_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_check_sees_deferred_imports(tmp_path: Path) -> None:
    """The parser must count an import inside a function, or cycles hide behind it."""
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from generator.cli.main import main\n", encoding="utf-8")
    modules = {"generator.core.m": path, "generator.cli.main": path}
    assert _imports("generator.core.m", path, modules) == {"generator.cli.main"}

"""Report stage: issues to text or JSON for people and CI."""

from __future__ import annotations

import json
from collections.abc import Sequence

from generator.core.issues import Issue, Severity


def issues_to_text(issues: Sequence[Issue]) -> str:
    lines = [issue.format() for issue in issues]
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    warnings = len(issues) - errors
    if issues:
        lines.append(
            f"共 {errors} 个错误、{warnings} 个警告 ({errors} error(s), {warnings} warning(s))"
        )
    return "\n".join(lines)


def issues_to_json(issues: Sequence[Issue]) -> str:
    return json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2)

"""Rule modules of `cems check`, one per clause group.

To add rules: write a module here whose functions are decorated with `@rule("ID")`
(generator.ops.rules.base), add the IDs with clause, severity, params and message to
resources/data/check-rules.yaml, and add the module name to MODULES below.
"""

from __future__ import annotations

import importlib

MODULES = ("legal", "planning", "support", "monitoring", "audit", "review")


def load_rule_modules() -> None:
    """Import every rule module so that its `@rule` functions are registered."""
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}")

"""cems: a docs-as-code carbon emission management system.

Pipeline, one package per stage (see ARCHITECTURE.md): core -> content -> git -> control ->
carbon -> render -> ops -> cli. No stage imports a later one.
"""

from __future__ import annotations

__version__ = "0.1.0"

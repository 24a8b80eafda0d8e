"""cems: a docs-as-code carbon emission management system.

Pipeline (one module per stage): load -> discover -> validate -> model -> history ->
render (Word, registers, site) -> manifest. Everything the CLI does is callable from here.
"""

from __future__ import annotations

from .config import Config
from .issues import CemsError, ExitCode, Issue, Severity
from .project import Project, load_project, require_model

__version__ = "0.1.0"
__all__ = [
    "CemsError",
    "Config",
    "ExitCode",
    "Issue",
    "Project",
    "Severity",
    "__version__",
    "load_project",
    "require_model",
]

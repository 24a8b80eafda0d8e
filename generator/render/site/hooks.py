"""MkDocs hooks file: the HTML sanitiser for MkDocs runs that cems does not start in-process.

`cems build` registers `SanitizePlugin` itself; `cems serve` hands this file to MkDocs's
dev server (`hooks=[HOOKS_FILE]`), so the live preview is sanitised the same way.
"""

from __future__ import annotations

from pathlib import Path

from generator.render.site.sanitize import SanitizePlugin

HOOKS_FILE = Path(__file__)
on_page_content = SanitizePlugin().on_page_content

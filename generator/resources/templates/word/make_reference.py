"""Regenerate `reference.docx`, the Word style template cems renders every document with.

Run `python templates/word/make_reference.py` from the repository root. Afterwards a document
controller may open reference.docx in Word and change styles by name (Title, Heading 1-3,
Normal, List Bullet, List Continue, Table Grid, Header, Footer): the next `cems build` uses
them, no code change needed. Body paragraphs of this file are samples and are not copied.
"""

from __future__ import annotations

from pathlib import Path

from generator.render.word.body import build_reference


def main() -> None:
    target = Path(__file__).resolve().parent / "reference.docx"
    target.write_bytes(build_reference())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()

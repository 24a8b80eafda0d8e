"""The genuine copy of a released revision, rendered again from git.

Builds are byte-reproducible, so the genuine copy of (document, revision, 分发号) is simply
rendered again: the document text as released (`git show <release>:<path>`), its control data
as they stood while that revision was in force (revisions up to it, copies issued up to it,
nothing recalled later), the release commit, the organisation and the template. Nothing is kept
besides git, so there is no register of digests to keep, lose or forge. `cems verify` compares
a copy found in the field with this one; the build prints the digests on the site's
verification pages.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from generator.content.model import Model, Record
from generator.control.texts import TextAt, as_issued, released_document, text_reader
from generator.control.types import DocumentControl, History
from generator.core.config import Config
from generator.git.client import Git, GitError
from generator.ops.docx_inspect import Package, UntrustedCopy, digest_of
from generator.render.word.body import IMAGE_SUFFIXES
from generator.render.word.context import (
    MASTER_NUMBER,
    STATUS_IN_FORCE,
    CopyContext,
    context_for,
)
from generator.render.word.copy import copy_bytes, reference_bytes
from generator.render.word.report import report_context

REPORT_RECORDS = "carbon-assessments"


def issued_numbers(control: DocumentControl, label: str) -> list[str]:
    """分发号 of the copies issued with revision `label` (the issue register), master first."""
    numbers = {c.distribution_number for c in control.copies if c.revision == label}
    return [MASTER_NUMBER, *sorted(numbers)]


class GenuineCopies:
    """Renders genuine copies of released revisions of one content repository."""

    def __init__(self, config: Config, model: Model, history: History, workdir: Path) -> None:
        self.config, self.model, self.history = config, model, history
        self.workdir = workdir
        self.template = reference_bytes(config)
        self._text_at: TextAt | None = None
        self._trees: dict[str, Path] = {}
        self._git: Git | None = None
        self._prefix = ""

    @property
    def text_at(self) -> TextAt:
        if self._text_at is None:
            self._text_at = text_reader(self.config, self.history)
        return self._text_at

    def document_context(self, document_id: str, label: str, number: str) -> CopyContext | None:
        """The context of the genuine copy, or None if that revision was never released."""
        control = self.history.control(document_id)
        revision = next((r for r in control.revisions if r.label == label), None)
        if revision is None:
            return None
        try:
            document = released_document(self.text_at, revision)
        except GitError:
            return None
        if document is None:
            return None
        issued = as_issued(control, revision)
        history = dataclasses.replace(self.history, documents={document_id: issued})
        department = next(
            (c.department for c in issued.copies if c.distribution_number == number), ""
        )
        ctx = context_for(self.model, history, self.config, document, department)
        current = control.in_force is not None and control.in_force.label == label
        if not current:  # images as they were released, not as they are now
            tree = self._tree(revision.release.commit)
            folder = tree / Path(revision.path).parent
            rel_roots = [Path(r).relative_to(self.config.root) for r in ctx.image_roots]
            roots = tuple(str(tree / r) for r in rel_roots)  # containment inside that tree
            ctx = dataclasses.replace(ctx, base_dir=str(folder), image_roots=roots)
        return ctx

    def withdrawn_context(self, document_id: str) -> CopyContext | None:
        """The master copy a build prints for a withdrawn document (作废 watermark)."""
        document = self.model.document(document_id)
        if document is None:
            return None
        ctx = context_for(self.model, self.history, self.config, document)
        return ctx if ctx.status != STATUS_IN_FORCE else None

    def report_context(self, record: Record) -> CopyContext | None:
        images = self.workdir / "report-images" / record.id
        return report_context(self.model, self.history, self.config, record, images)

    def register_parts(self, name: str, commit: str) -> dict[str, str] | None:
        """Part digests of the Word register `name` as `cems build` wrote it at `commit`
        (the working tree when `commit` is HEAD, else the tree of that commit), or None."""
        from generator.content.project import load_project
        from generator.control.revisions import read_history
        from generator.render.tables.writer import render_registers

        config, model, history = self.config, self.model, self.history
        if commit != history.head_commit:
            root = self._checkout(commit)
            if root is None:
                return None
            config = Config.for_root(root)
            loaded = load_project(config).model
            if loaded is None:
                return None
            history, _issues = read_history(self.config, loaded, at=commit)
            model = loaded
        out = self.workdir / "registers" / commit[:16]
        files = render_registers(model, history, config, out)
        wanted = f"word/registers/{name}.docx"
        if not any(f.path == wanted for f in files):
            return None
        return self._digests_of((out / wanted).read_bytes())

    def _checkout(self, commit: str) -> Path | None:
        """Every file of the content repository at `commit`, written below the work folder."""
        git = Git(self.config.root)
        try:
            if git.resolve(commit) != commit:
                return None
            prefix = git.prefix()
            entries = git.ls_tree(commit, prefix or ".")
            blobs = git.cat_blobs(sha for _path, sha in entries)
        except GitError:
            return None
        root = self.workdir / "checkouts" / commit[:16]
        for path, sha in entries:
            target = root / path.removeprefix(prefix)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blobs[sha])
        return root

    def render(self, ctx: CopyContext) -> bytes:
        return copy_bytes(ctx, self.template)

    def part_digests(self, ctx: CopyContext) -> dict[str, str]:
        return self._digests_of(self.render(ctx))

    def _digests_of(self, data: bytes) -> dict[str, str]:
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            package = Package({name: archive.read(name) for name in archive.namelist()})
        try:
            return package.part_digests()
        except UntrustedCopy as error:  # our own renderer wrote it: a bug, not user input
            raise AssertionError(error.message) from None

    def digest(self, ctx: CopyContext) -> str:
        return digest_of(self.part_digests(ctx))

    def _tree(self, commit: str) -> Path:
        """The images under content/ at `commit`, written below the work folder."""
        if commit in self._trees:
            return self._trees[commit]
        target = self.workdir / "trees" / commit[:16]
        if self._git is None:  # one git (and its object reader) for every release's images
            self._git = Git(self.config.root)
            self._prefix = self._git.prefix() if self._git.toplevel() is not None else ""
        git, prefix = self._git, self._prefix
        try:
            entries = [
                (path, sha)
                for path, sha in git.ls_trees([commit], prefix + "content")[commit]
                if Path(path).suffix.lower() in IMAGE_SUFFIXES
            ]
            blobs = git.cat_blobs(sha for _path, sha in entries)
        except GitError:
            entries, blobs = [], {}
        for path, sha in entries:
            rel = Path(path.removeprefix(prefix))
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            (target / rel).write_bytes(blobs[sha])
        self._trees[commit] = target
        return target

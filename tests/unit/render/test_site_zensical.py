"""The generated site source also builds with Zensical (Material's successor reads mkdocs.yml).

MkDocs stays the default engine; this guards the switch. Skipped when Zensical is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.content.project import load_project, require_model
from generator.control.types import DocumentControl, History
from generator.core.config import Config
from generator.render.site.assemble import render_site


def test_zensical_builds_the_generated_site_source(sample_copy: Path, tmp_path: Path) -> None:
    pytest.importorskip("zensical")
    exe = shutil.which("zensical")
    if exe is None:
        pytest.skip("zensical command is not installed")
    config = Config.for_root(sample_copy)
    model = require_model(load_project(config))
    history = History("", (), {d.id: DocumentControl(d.id) for d in model.documents})
    out = tmp_path / "out"
    assert render_site(model, history, config, out) == []
    src = out / "site-src"
    data = yaml.safe_load((src / "mkdocs.yml").read_text(encoding="utf-8"))
    data["site_dir"] = "zensical-site"  # Zensical wants the output inside the project folder
    (src / "zensical.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = subprocess.run(
        [exe, "build", "-f", "zensical.yml"],
        cwd=src,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    doc = model.documents[0]
    page = src / "zensical-site" / "documents" / doc.kind / doc.id / "index.html"
    assert doc.title in page.read_text(encoding="utf-8")

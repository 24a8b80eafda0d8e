"""What an auditor meets on the site: content images, the carbon section's own page, quick
links, search that keeps the standard's terms whole, and a sitemap the version selector can use.

One site build of the sample (with an image added to a procedure) is shared by every test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.core.issues import Severity
from generator.render.site.assemble import render_site
from generator.render.site.mkdocs import search_terms, write_version_sitemap
from tests.conftest import copy_sample
from tests.unit.render.test_site import load, released_history

PNG = (  # a 1x1 PNG
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    root = copy_sample(tmp_path_factory.mktemp("auditors") / "org")
    model, _ = load(root)
    procedure = next(d for d in model.documents if d.id == "CEMS-QP-02")
    source = root / procedure.path
    (source.parent / "images").mkdir(exist_ok=True)
    (source.parent / "images" / "流程图.png").write_bytes(PNG)
    source.write_text(
        source.read_text(encoding="utf-8") + "\n![碳评估流程图](images/流程图.png)\n",
        encoding="utf-8",
    )
    model, config = load(root)
    withdrawn = next(d.id for d in model.documents if d.kind == "instruction")
    out = root.parent / "out"
    issues = render_site(model, released_history(model, withdrawn=withdrawn), config, out)
    assert [i.format() for i in issues if i.severity is Severity.ERROR] == []
    return out / "site"


def test_a_content_image_appears_on_its_page(site: Path) -> None:
    page = site / "documents" / "procedure" / "CEMS-QP-02" / "index.html"
    html = page.read_text(encoding="utf-8")
    srcs = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert srcs, "the procedure's image is not on its page"
    from urllib.parse import unquote

    assert (page.parent / unquote(srcs[0])).resolve().read_bytes() == PNG


def test_carbon_section_has_its_own_page_and_the_home_page_links_it(site: Path) -> None:
    index = (site / "carbon" / "index.html").read_text(encoding="utf-8")
    assert "碳排放和碳评估" in index
    assert re.search(r'href="2025/report/"', index) and re.search(r'href="2024/report/"', index)
    home = (site / "index.html").read_text(encoding="utf-8")
    quick = home[home.index("快速入口") :]
    assert 'href="carbon/"' in quick and "碳排放和碳评估" in quick
    assert 'href="archive/"' in quick and "作废文件存档" in quick


def _entry(index: dict[str, Any], location: str) -> dict[str, Any]:
    return next(d for d in index["docs"] if d["location"] == location)


def test_search_keeps_the_standards_terms_whole_and_boosts_documents(site: Path) -> None:
    assert {"碳评估", "碳排放源", "管理评审", "内部审核", "碳资产"} <= set(search_terms())
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    procedure = _entry(index, "documents/procedure/CEMS-QP-02/")
    assert "碳评估" in procedure["title"].split("\u200b")  # one token, not 碳 + 评估
    assert procedure.get("boost", 1) > 1
    words = {w for d in index["docs"] for w in re.split(r"[\u200b\s]+", d["text"])}
    assert "碳评估" in words and "管理评审" in words


def test_version_sitemap_lists_every_page_of_the_version(site: Path, tmp_path: Path) -> None:
    count = write_version_sitemap(site, "2025.3")
    text = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", text)
    assert count == len(locs) > 50
    assert "http://cems.invalid/2025.3/" in locs  # the version's root: Material needs it
    assert "http://cems.invalid/2025.3/documents/procedure/CEMS-QP-02/" in locs
    write_version_sitemap(site, "2025.3", "https://cems.example.org/")
    assert "https://cems.example.org/2025.3/" in (site / "sitemap.xml").read_text(encoding="utf-8")

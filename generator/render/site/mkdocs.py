"""Render stage (site): the generated mkdocs.yml and the in-process MkDocs build.

The content repository's root `mkdocs.yml` is the base (site name, theme, extensions); the
generator adds only what it derives from content: `nav`, `docs_dir`, `site_dir`, the site
name and, for versioned builds, the version selector. The build runs with strict semantics:
every MkDocs warning (a broken link, a missing page) becomes an error Issue naming the page.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from generator.core.config import Config
from generator.core.issues import CemsError, Issue
from generator.core.resources import data_path, resource_path
from generator.render.site.sanitize import PLUGIN_NAME, SanitizePlugin

_DOC_FILE = re.compile(r"Doc file '([^']+)'")
_LINK = re.compile(r"contains a link '([^'#]+)")


def site_templates_dir(config: Config) -> Path:
    """The content repository's templates/site, or the ones shipped with cems."""
    own = config.templates_dir / "site"
    if (own / "section.md.j2").is_file():
        return own
    return resource_path("templates", "site")


def base_config_file(config: Config) -> Path:
    own = config.root / "mkdocs.yml"
    return own if own.is_file() else resource_path("mkdocs.yml")


def load_base_config(config: Config) -> dict[str, Any]:
    path = base_config_file(config)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CemsError(
            f"无法读取网站配置 (cannot read site config): {path.name}",
            [
                Issue(
                    "mkdocs.yml",
                    getattr(getattr(exc, "problem_mark", None), "line", None),
                    "",
                    f"mkdocs.yml 无法解析 (cannot parse): {exc}",
                    code="SITE-CONFIG",
                )
            ],
        ) from None
    if not isinstance(data, dict):
        raise CemsError(
            "网站配置必须是映射 (site config must be a mapping)",
            [Issue("mkdocs.yml", None, "", "mkdocs.yml 顶层必须是映射", code="SITE-CONFIG")],
        )
    return data


def prepare_theme(config: Config, base: dict[str, Any], src_dir: Path) -> None:
    """Copy the theme overrides next to the generated mkdocs.yml (paths stay relative)."""
    theme = base.get("theme")
    if not isinstance(theme, dict) or not theme.get("custom_dir"):
        return
    name = str(theme["custom_dir"])
    own = base_config_file(config).parent / name
    source = own if own.is_dir() else site_templates_dir(config) / "overrides"
    target = src_dir / "overrides"
    shutil.rmtree(target, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, target)
        theme["custom_dir"] = "overrides"
    else:
        del theme["custom_dir"]


def site_config(
    base: dict[str, Any], site_name: str, nav: list[Any], version: str | None
) -> dict[str, Any]:
    data = dict(base)
    data["site_name"] = site_name
    data["docs_dir"] = "docs"
    data["site_dir"] = "../site"
    data["nav"] = nav
    extra = dict(data.get("extra") or {})
    if version is None:
        # Without versions.json beside the site the selector would fetch a missing file.
        extra.pop("version", None)
    else:
        extra["version"] = {**(extra.get("version") or {}), "provider": "mike"}
    data["extra"] = extra
    return data


USER_WORD_FREQUENCY = 200000  # above jieba's counts for 碳 + 评估, so the whole word wins
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]{2,}")


def search_terms() -> list[str]:
    """The standard's terms and clause titles: words the search must keep whole."""
    from generator.content.standard import clause_catalogue

    data = yaml.safe_load(data_path("search-terms.yaml").read_text(encoding="utf-8")) or {}
    words = [str(t) for t in data.get("terms") or []]
    words += [c.title for c in clause_catalogue() if _HAN_ONLY.fullmatch(c.title)]
    return sorted(set(words), key=lambda w: (-len(w), w))


def add_search_dictionary(data: dict[str, Any], src_dir: Path) -> None:
    """Give Material's search plugin (it segments Chinese with jieba) a user dictionary of
    the standard's terms, written beside the generated mkdocs.yml and named relative to it
    (the same text wherever the output folder is; `build_mkdocs` resolves it, as the plugin
    itself reads it relative to the working directory)."""
    plugins = data.get("plugins")
    if not isinstance(plugins, list):
        return
    plugins = data["plugins"] = list(plugins)  # the base config's list stays as it was
    path = src_dir / "search-dict.txt"
    text = "".join(f"{word} {USER_WORD_FREQUENCY} n\n" for word in search_terms())
    path.write_text(text, encoding="utf-8")
    for index, entry in enumerate(plugins):
        name = (
            entry
            if isinstance(entry, str)
            else next(iter(entry), "")
            if isinstance(entry, dict)
            else ""
        )
        if name in ("search", "material/search"):
            options = dict(entry[name] or {}) if isinstance(entry, dict) else {}
            options.setdefault("jieba_dict_user", path.name)
            plugins[index] = {name: options}


def take_search_dictionary(mk_config: Any, base: Path) -> str:
    """The words of the search plugin's user dictionary (named relative to `base`, the
    generated mkdocs.yml's folder), loaded into jieba here instead of by the plugin: jieba
    adds a word's count to its total again on every load, so a second build in the same
    process (the site versions of `cems publish`) would segment differently from the first.
    Returns the dictionary's text ("" without one)."""
    for name in ("search", "material/search"):
        plugin = mk_config.plugins.get(name)
        options: Any = getattr(plugin, "config", None)
        user = getattr(options, "jieba_dict_user", None)
        if isinstance(user, str) and user:
            path = Path(user) if Path(user).is_absolute() else base / user
            if not path.is_file():
                return ""  # the plugin reports the missing file itself
            options.jieba_dict_user = None
            text = path.read_text(encoding="utf-8")
            _load_words(text)
            return text
    return ""


def _load_words(text: str) -> None:
    """jieba's `load_userdict` for `text`, leaving out words it already has at that count."""
    try:
        import jieba
    except ImportError:
        return
    tokenizer = jieba.dt
    tokenizer.check_initialized()
    for line in text.splitlines():
        if not line.strip():
            continue
        word, freq, tag = jieba.re_userdict.match(line.strip()).groups()  # as load_userdict
        count = int(freq.strip()) if freq is not None else None
        if count is None or tokenizer.FREQ.get(word) != count:
            tokenizer.add_word(word, count, tag.strip() if tag is not None else None)


def write_site_config(path: Path, data: dict[str, Any]) -> None:
    text = "# 由 cems 生成，请勿手工修改 (generated by cems: do not edit)\n"
    text += yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _quiet_logs() -> Iterator[_Collect]:
    """Collect MkDocs warnings instead of letting them print (stages never print)."""
    collect = _Collect()
    try:  # jieba sets its logger to DEBUG on import; import first so our level sticks
        import jieba  # noqa: F401
    except ImportError:
        pass
    mk = logging.getLogger("mkdocs")
    jieba_log = logging.getLogger("jieba")
    saved = (mk.propagate, mk.level, jieba_log.level)
    mk.addHandler(collect)
    mk.propagate = False
    mk.setLevel(logging.WARNING)
    jieba_log.setLevel(logging.WARNING)  # jieba logs its dictionary loading at DEBUG to stderr
    try:
        yield collect
    finally:
        mk.removeHandler(collect)
        mk.propagate, _, _ = saved
        mk.setLevel(saved[1])
        jieba_log.setLevel(saved[2])


def _link_line(root: Path | None, file: str, message: str) -> int | None:
    """The line of the content file holding the link MkDocs complains about, if found."""
    match = _LINK.search(message)
    if root is None or match is None:
        return None
    try:
        lines = (root / file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    target = match.group(1)
    return next((n for n, line in enumerate(lines, start=1) if target in line), None)


def _issue(record: logging.LogRecord, sources: dict[str, str], root: Path | None) -> Issue:
    message = record.getMessage().strip()
    match = _DOC_FILE.search(message)
    page = match.group(1) if match else ""
    file = sources.get(page) or (f"site-src/docs/{page}" if page else "site-src/mkdocs.yml")
    code = "SITE-LINK" if "link" in message or "anchor" in message else "SITE-BUILD"
    where = f"页面 {page}：" if page else ""
    return Issue(
        file,
        _link_line(root, file, message) if page in sources else None,
        "",
        f"网站构建失败 (site build): {where}{message}",
        code=code,
        hint="检查正文中的链接是否指向存在的文件 (check that links point to existing files)",
    )


def build_mkdocs(
    config_file: Path,
    sources: dict[str, str],
    root: Path | None = None,
    page_cache: Path | None = None,
) -> list[Issue]:
    """Build the site in-process with strict semantics; warnings come back as error Issues.

    Every page's HTML passes through the allow-list sanitiser (`sanitize.SanitizePlugin`).
    With `root`, a broken link is located at its line in the content file (`sources`).
    With `page_cache`, unchanged pages come from the store of rendered pages there
    (`page_cache.PageCachePlugin`), which a build without warnings updates.
    """
    from mkdocs import exceptions
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with _quiet_logs() as collect:
        try:
            mk_config = load_config(config_file=str(config_file), strict=True)
            mk_config.plugins[PLUGIN_NAME] = SanitizePlugin()
            words = take_search_dictionary(mk_config, config_file.parent)
            store = None
            if page_cache is not None:
                from generator.render.site.page_cache import PLUGIN_NAME as CACHE_PLUGIN
                from generator.render.site.page_cache import PageCachePlugin

                store = PageCachePlugin(page_cache, config_file, words)
                mk_config.plugins[CACHE_PLUGIN] = store
            build(mk_config)
            _reproducible_sitemap_gz(Path(mk_config.site_dir))
            if store is not None and not collect.records:
                store.save()
        except exceptions.ConfigurationError as exc:
            return [
                Issue(
                    "mkdocs.yml", None, "", f"网站配置错误 (site config): {exc}", code="SITE-CONFIG"
                )
            ]
        except exceptions.Abort as exc:
            issues = [_issue(r, sources, root) for r in collect.records]
            return issues or [
                Issue("site-src/mkdocs.yml", None, "", f"网站构建失败: {exc}", code="SITE-BUILD")
            ]
        except exceptions.MkDocsException as exc:
            return [
                Issue("site-src/mkdocs.yml", None, "", f"网站构建失败: {exc}", code="SITE-BUILD")
            ]
    return [_issue(r, sources, root) for r in collect.records]


def _reproducible_sitemap_gz(site_dir: Path) -> None:
    """MkDocs gzips the sitemap with the build's time in the gzip header, so the same commit
    built on another day differed in that one file: write it again with time 0."""
    import gzip

    plain, packed = site_dir / "sitemap.xml", site_dir / "sitemap.xml.gz"
    if plain.is_file() and packed.is_file():
        packed.write_bytes(gzip.compress(plain.read_bytes(), mtime=0))


SITEMAP_PLACEHOLDER = "http://cems.invalid/"


def write_version_sitemap(site_dir: Path, version: str, site_url: str = "") -> int:
    """sitemap.xml (and .gz) listing every page of one version, for the version selector.

    Material's selector fetches the chosen version's sitemap.xml and stays on the same page
    only when that page's URL is listed there; MkDocs writes an empty sitemap without a
    `site_url`, and a deployment on a closed network often has none. Material compares the
    sitemap's URLs only with one another (it replaces their scheme and host with the
    browser's), so without a configured `site_url` a placeholder host serves as well.
    Returns the number of pages listed.
    """
    from xml.sax.saxutils import escape

    # a site_url that names the latest/ alias (so copies' QR codes open the version in force)
    # is the address of all versions one level up
    root = site_url.rstrip("/").removesuffix("/latest") if site_url else ""
    base = (root + "/") if root else SITEMAP_PLACEHOLDER
    pages = sorted(
        p.relative_to(site_dir).parent.as_posix()
        for p in site_dir.rglob("index.html")
        if p.relative_to(site_dir).parts[0] not in ("assets", "search")
    )
    urls = [f"{base}{version}/" + ("" if page == "." else page + "/") for page in pages]
    text = '<?xml version="1.0" encoding="UTF-8"?>\n'
    text += '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    text += "".join(f"  <url><loc>{escape(url)}</loc></url>\n" for url in urls)
    text += "</urlset>\n"
    data = text.encode("utf-8")
    (site_dir / "sitemap.xml").write_bytes(data)
    _reproducible_sitemap_gz(site_dir)
    return len(urls)


# Material's search worker segments a Chinese query greedily into words of the index but never
# tries the whole query (`j < query.length` in integrations/search/query/segment): 碳评估 is
# searched as 碳* even when 碳评估 is a word of the index, and 碳* also matches 碳酸钙. Letting
# the loop reach the query's end makes a query that is itself a word stay whole; a query made
# of several words is cut as before. Matched exactly, so another Material release is left alone.
_SEGMENT_LOOP = "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e&&(n[s]=o-s)"
_SEGMENT_FIXED = "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e&&(n[s]=o-s)"


def patch_search_worker(site_dir: Path) -> bool:
    """Let a whole Chinese query match its word in the index; True when a worker was fixed."""
    patched = False
    for worker in sorted((site_dir / "assets" / "javascripts" / "workers").glob("search.*.js")):
        text = worker.read_text(encoding="utf-8")
        if text.count(_SEGMENT_LOOP) == 1:
            worker.write_text(text.replace(_SEGMENT_LOOP, _SEGMENT_FIXED), encoding="utf-8")
            patched = True
    return patched

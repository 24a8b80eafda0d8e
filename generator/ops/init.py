"""`cems init DIR`: a new organisation's content repository, ready to fill in and commit.

Everything written comes from templates under resources/templates/init/ (and the CI templates
under templates/ci/), so an organisation's starting point is data, not code. The repository
holds content only: cems itself, its schemas and templates stay in the installed package.
The schemas are also copied to .cems/schemas/ so editors can show hover help through relative
paths that work on every machine (see `write_editor_schemas`).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.content.conventions import conventions_of
from generator.content.migrations import current_version
from generator.core.issues import CemsError
from generator.core.resources import resource_path
from generator.git.client import Git, GitError

SECTORS = ("manufacturing", "services")
EDITOR_SCHEMAS = Path(".cems") / "schemas"
FALLBACK_IDENTITY = ("-c", "user.name=cems init", "-c", "user.email=cems-init@invalid")


@dataclass(frozen=True)
class InitResult:
    root: Path
    files: tuple[str, ...]  # repository-relative, forward slashes
    committed: bool  # False when git has no identity and the first commit used a stand-in


def installed_version() -> str:
    """The version of the cems distribution running now (CI and pre-commit pin it)."""
    try:
        return metadata.version("cems")
    except metadata.PackageNotFoundError:  # a bare source tree on PYTHONPATH
        return "0.1.0"


def write_editor_schemas(root: Path) -> list[Path]:
    """Copy the shipped schemas to <root>/.cems/schemas/ (replacing an older copy).

    A copy rather than absolute file URIs of the installed package: it is committed, the
    relative `$schema` paths resolve for every colleague, in CI and in web editors whatever
    the Python installation, and an upgrade changes it visibly in a commit.
    """
    target = root / EDITOR_SCHEMAS
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(resource_path("schemas"), target)
    return sorted(target.rglob("*.schema.json"))


def vscode_settings(root: Path) -> str:
    """`.vscode/settings.json` mapping every YAML file kind to its schema copy."""
    schemas = root / EDITOR_SCHEMAS
    mapping = {
        f"./{EDITOR_SCHEMAS.as_posix()}/organisation.schema.json": "content/organisation.yaml"
    }
    for path in sorted((schemas / "records").glob("*.schema.json")):
        if json.loads(path.read_text(encoding="utf-8")).get("x-format") == "csv":
            continue
        name = path.name.removesuffix(".schema.json")
        mapping[f"./{EDITOR_SCHEMAS.as_posix()}/records/{path.name}"] = f"records/{name}/*.yaml"
    settings = {
        "yaml.schemas": mapping,
        "files.encoding": "utf8",
        "files.eol": "\n",
        "recommendations": ["redhat.vscode-yaml"],
    }
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


def _ci_file(name: str, version: str) -> str:
    text = resource_path("templates", "ci", name).read_text(encoding="utf-8")
    pinned, count = re.subn(r'CEMS_VERSION: "[^"]*"', f'CEMS_VERSION: "{version}"', text)
    if count != 1:  # the template lost its version line: a packaging bug, not user input
        raise RuntimeError(f"templates/ci/{name}: no CEMS_VERSION line")
    return pinned


def _check_arguments(target: Path, name: str, prefix: str, sector: str) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CemsError(
            f"目标文件夹已存在且不为空：{target}（cems init 只在新文件夹或空文件夹中创建仓库） "
            "(target exists and is not empty)"
        )
    if not name.strip():
        raise CemsError("--name 不能为空 (the organisation needs a name)")
    if not re.fullmatch(r"[A-Z][A-Z0-9]*", prefix):
        raise CemsError(
            f"文件编号前缀 '{prefix}' 无效：只能用大写字母和数字，以字母开头，如 YJH "
            "(prefix: capital letters and digits, starting with a letter)"
        )
    if sector not in SECTORS:
        raise CemsError(f"未知的行业类型 '{sector}'，可选：{'、'.join(SECTORS)} (unknown sector)")


def _render_files(name: str, prefix: str, sector: str, version: str) -> dict[str, str]:
    env = Environment(
        loader=FileSystemLoader(resource_path("templates", "init")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    values = {
        "name": name.strip(),
        "prefix": prefix,
        "sector": sector,
        "version": version,
        "schema_version": current_version(),
    }

    def render(template: str) -> str:
        return env.get_template(template).render(**values)

    return {
        "content/organisation.yaml": render("organisation.yaml.j2"),
        "README.md": render("README.md.j2"),
        ".gitattributes": render("gitattributes"),
        ".gitignore": render("gitignore"),
        ".pre-commit-config.yaml": render("pre-commit-config.yaml.j2"),
        ".cems/config.yaml": render("config.yaml.j2"),
        ".github/workflows/cems.yml": _ci_file("github-actions.yml", version),
        ".gitlab-ci.yml": _ci_file("gitlab-ci.yml", version),
    }


def _first_commit(git: Git) -> bool:
    """Commit everything; without a git identity, commit as a stand-in and say so."""
    git.run("add", "-A")
    message = "cems init：新建碳排放管理体系文件库 (new content repository)"
    try:
        git.run("commit", "-q", "-m", message)
        return True
    except GitError:
        git.run(*FALLBACK_IDENTITY, "commit", "-q", "-m", message)
        return False


def init_repository(
    target: Path, name: str, prefix: str, sector: str = "manufacturing"
) -> InitResult:
    """Write a new content repository at `target`, `git init` it and commit it."""
    _check_arguments(target, name, prefix, sector)
    version = installed_version()
    files = _render_files(name, prefix, sector, version)
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    written = list(files)
    written += [p.relative_to(root).as_posix() for p in write_editor_schemas(root)]
    (root / ".vscode").mkdir(exist_ok=True)
    (root / ".vscode" / "settings.json").write_text(
        vscode_settings(root), encoding="utf-8", newline="\n"
    )
    written.append(".vscode/settings.json")
    organisation = yaml.safe_load(files["content/organisation.yaml"])
    folders = [kind.folder for kind in conventions_of(organisation, ()).kinds.values()]
    for keep in [*(f"content/documents/{f}/.gitkeep" for f in folders), "records/.gitkeep"]:
        (root / keep).parent.mkdir(parents=True, exist_ok=True)
        (root / keep).write_text("", encoding="utf-8")
        written.append(keep)
    git = Git(root)
    git.run("init", "-q")
    git.run("symbolic-ref", "HEAD", "refs/heads/main")  # also on git < 2.28 (no init -b)
    committed = _first_commit(git)
    return InitResult(root, tuple(sorted(written)), committed)

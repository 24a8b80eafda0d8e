"""`cems init`, organisation conventions in `cems new`, root discovery, schema layering and
`cems migrate`, driven through the CLI as an organisation starting out would."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.ops.init import installed_version
from tests.support.new_org import fill_placeholders

NAME = "北京永嘉恒机械有限公司"


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "李敏")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "li.min@example.org")


@pytest.fixture
def new_repo(tmp_path: Path, run_cli) -> Path:
    root = tmp_path / "永嘉恒"
    code, out, err = run_cli("init", str(root), "--name", NAME, "--prefix", "YJH")
    assert code == 0, out + err
    return root


def _json(run_cli, *args: str) -> tuple[int, list[dict[str, Any]]]:
    code, out, _err = run_cli(*args, "--format", "json")
    return code, json.loads(out)


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, encoding="utf-8", check=True
    ).stdout


def test_init_writes_a_committed_repository_whose_only_errors_are_located_placeholders(
    new_repo: Path, run_cli
) -> None:
    code, issues = _json(run_cli, "validate", "--root", str(new_repo))
    assert code == 1 and issues
    assert {i["code"] for i in issues} == {"PLACEHOLDER"}
    assert all(i["file"] == "content/organisation.yaml" and i["line"] for i in issues)
    fields = {i["field"] for i in issues}
    assert {"address", "people/0/name", "people/0/email", "output/unit"} <= fields
    text = (new_repo / "content" / "organisation.yaml").read_text(encoding="utf-8")
    for issue in issues:  # the line named is the line holding the placeholder (or its key)
        line = text.splitlines()[int(str(issue["line"])) - 1]
        assert "【待填写】" in line or line.rstrip().endswith(">-"), issue
    assert f"name: {NAME}" in text and "prefix: YJH" in text and "CEMS" not in text
    assert _git(new_repo, "log", "--format=%s").count("\n") == 1
    assert _git(new_repo, "status", "--porcelain") == ""
    assert "* text=auto eol=lf" in (new_repo / ".gitattributes").read_text(encoding="utf-8")
    assert "build/" in (new_repo / ".gitignore").read_text(encoding="utf-8").splitlines()
    for folder in ("手册", "程序文件", "管理制度", "作业文件", "记录表单"):
        assert (new_repo / "content" / "documents" / folder).is_dir()


def test_init_pins_the_installed_cems_and_points_editors_at_a_schema_copy(new_repo: Path) -> None:
    version = installed_version()
    for ci in (".github/workflows/cems.yml", ".gitlab-ci.yml"):
        text = (new_repo / ci).read_text(encoding="utf-8")
        assert f'CEMS_VERSION: "{version}"' in text and 'pip install "cems==$CEMS_VERSION"' in text
        assert "pip install .\n" not in text
    assert f'"cems=={version}"' in (new_repo / ".pre-commit-config.yaml").read_text("utf-8")
    settings = json.loads((new_repo / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert mapping["./.cems/schemas/organisation.schema.json"] == "content/organisation.yaml"
    assert mapping["./.cems/schemas/records/internal-audits.schema.json"] == (
        "records/internal-audits/*.yaml"
    )
    assert all((new_repo / schema).is_file() for schema in mapping)
    modeline = (new_repo / "content" / "organisation.yaml").read_text("utf-8").splitlines()[0]
    target = new_repo / "content" / modeline.split("$schema=", 1)[1]
    assert target.resolve() == (new_repo / ".cems/schemas/organisation.schema.json").resolve()
    readme = (new_repo / "README.md").read_text(encoding="utf-8")
    assert NAME in readme and "cems release" in readme and "cems verify" in readme


def test_init_refuses_a_non_empty_folder_and_a_bad_prefix(tmp_path: Path, run_cli) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("x", encoding="utf-8")
    code, _out, err = run_cli("init", str(tmp_path / "used"), "--name", NAME, "--prefix", "YJH")
    assert code == 1 and "不为空" in err
    code, _out, err = run_cli("init", str(tmp_path / "new"), "--name", NAME, "--prefix", "yjh")
    assert code == 1 and "前缀" in err and not (tmp_path / "new").exists()


def test_new_follows_the_organisations_conventions(new_repo: Path, run_cli) -> None:
    assert fill_placeholders(new_repo) > 10
    assert _json(run_cli, "validate", "--root", str(new_repo)) == (0, [])
    code, out, err = run_cli("new", "procedure", "--root", str(new_repo), "--title", "文件控制程序")
    assert code == 0, out + err
    created = new_repo / "content/documents/程序文件/YJH-QP-01-文件控制程序.md"
    assert created.is_file() and "id: YJH-QP-01" in created.read_text(encoding="utf-8")
    code, _out, err = run_cli(
        "new", "procedure", "--root", str(new_repo), "--title", "文件控制程序"
    )
    assert code == 1 and "同名" in err
    assert run_cli("new", "procedure", "--root", str(new_repo), "--title", "记录控制程序")[0] == 0
    assert (new_repo / "content/documents/程序文件/YJH-QP-02-记录控制程序.md").is_file()
    audits = new_repo / "records" / "internal-audits"
    for _ in range(2):
        for filled in audits.glob("*.yaml") if audits.is_dir() else ():
            text = filled.read_text(encoding="utf-8").replace("待填写", "年度内部审核")
            filled.write_text(text, encoding="utf-8")  # a placeholder left would block `new`
        code, out, err = run_cli(
            "new", "internal-audits", "--root", str(new_repo), "--date", "2026-04-01"
        )
        assert code == 0, out + err
    assert sorted(p.name for p in (new_repo / "records" / "internal-audits").glob("*.yaml")) == [
        "AUD-2026-01.yaml",
        "AUD-2026-02.yaml",
    ]
    written = [p for d in ("content", "records") for p in (new_repo / d).rglob("*") if p.is_file()]
    assert not any("CEMS-" in p.read_text(encoding="utf-8", errors="ignore") for p in written)
    # the new records are valid but for the placeholders they leave to fill in, each located
    code, issues = _json(run_cli, "validate", "--root", str(new_repo))
    assert code == 1 and issues
    assert all(
        i["code"] == "VALUE-PLACEHOLDER" and i["line"] and i["file"].endswith("AUD-2026-02.yaml")
        for i in issues
    )


def test_a_bad_id_pattern_is_located_in_organisation_yaml(new_repo: Path, run_cli) -> None:
    fill_placeholders(new_repo)
    org = new_repo / "content" / "organisation.yaml"
    org.write_text(
        org.read_text(encoding="utf-8").replace("{prefix}-{code}-{number:02d}", "{prefix}-{kind}"),
        encoding="utf-8",
    )
    code, _out, err = run_cli("new", "rule", "--root", str(new_repo), "--title", "考核制度")
    assert code == 1 and "conventions/document_id" in err and "{kind}" in err


def test_without_conventions_the_prefix_comes_from_existing_documents_never_the_sample(
    new_repo: Path, run_cli
) -> None:
    fill_placeholders(new_repo)
    org = new_repo / "content" / "organisation.yaml"
    org.write_text(
        re.sub(r"(?ms)^conventions:.*", "", org.read_text(encoding="utf-8")), encoding="utf-8"
    )
    code, _out, err = run_cli("new", "rule", "--root", str(new_repo), "--title", "考核制度")
    assert code == 1 and "conventions.prefix" in err
    assert not list((new_repo / "content").rglob("CEMS-*"))


def test_every_verb_finds_the_root_upward_or_says_plainly_it_is_not_a_repository(
    new_repo: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_placeholders(new_repo)
    monkeypatch.chdir(new_repo / "content" / "documents" / "程序文件")
    code, out, err = run_cli("validate")
    assert code == 0 and "校验通过" in out, err
    assert run_cli("new", "rule", "--title", "考核制度")[0] == 0
    assert (new_repo / "content/documents/管理制度/YJH-GZ-01-考核制度.md").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    for verb in (["validate"], ["build"], ["publish"], ["check"], ["release", "2026.1"]):
        code, out, err = run_cli(*verb)
        assert code == 1, verb
        assert "不是 cems 内容仓库" in err and "not a cems repository" in err, verb
        assert "Traceback" not in err and "fatal:" not in err


def test_publish_without_commits_says_so_plainly(sample_copy: Path, git_repo, run_cli) -> None:
    git_repo(sample_copy)
    code, _out, err = run_cli("publish", "--root", str(sample_copy), "--no-word")
    assert code == 1 and "还没有提交" in err and "fatal" not in err


VISITS = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "来访记录 (visits)",
    "type": "object",
    "required": ["id", "title", "date"],
    "properties": {
        "id": {"$ref": "../common.schema.json#/$defs/id"},
        "title": {"type": "string"},
        "date": {"$ref": "../common.schema.json#/$defs/date"},
    },
    "additionalProperties": False,
}


def test_an_organisation_adds_record_types_and_overrides_are_reported(
    new_repo: Path, run_cli
) -> None:
    fill_placeholders(new_repo)
    own = new_repo / "schemas" / "records"
    own.mkdir(parents=True)
    (own / "visits.schema.json").write_text(json.dumps(VISITS), encoding="utf-8")
    code, out, err = run_cli("new", "visits", "--root", str(new_repo), "--date", "2026-05-06")
    assert code == 0, out + err
    visit = new_repo / "records" / "visits" / "VISITS-20260506.yaml"
    assert visit.is_file()
    code, issues = _json(run_cli, "validate", "--root", str(new_repo))
    assert code == 1 and {i["code"] for i in issues} == {"VALUE-PLACEHOLDER"}  # title to fill
    visit.write_text(visit.read_text("utf-8").replace("待填写", "来访登记"), encoding="utf-8")
    assert _json(run_cli, "validate", "--root", str(new_repo)) == (0, [])
    # a same-named copy of a shipped schema that differs is used, and reported every time
    shipped = json.loads(
        (new_repo / ".cems/schemas/records/training.schema.json").read_text("utf-8")
    )
    (own / "training.schema.json").write_text(json.dumps(shipped), encoding="utf-8")
    assert _json(run_cli, "validate", "--root", str(new_repo)) == (0, [])  # same content
    shipped["title"] = "培训（本单位）"
    (own / "training.schema.json").write_text(json.dumps(shipped), encoding="utf-8")
    code, issues = _json(run_cli, "validate", "--root", str(new_repo))
    assert code == 0 and [(i["file"], i["code"], i["severity"]) for i in issues] == [
        ("schemas/records/training.schema.json", "SCHEMA-OVERRIDE", "warning")
    ]
    assert run_cli("validate", "--root", str(new_repo), "--strict")[0] == 1


def test_schema_version_older_is_migrated_and_newer_is_refused(new_repo: Path, run_cli) -> None:
    fill_placeholders(new_repo)
    org = new_repo / "content" / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    org.write_text(re.sub(r"(?m)^schema_version: .*\n", "", text), encoding="utf-8")
    code, issues = _json(run_cli, "validate", "--root", str(new_repo))
    assert code == 0 and [i["code"] for i in issues] == ["SCHEMA-VERSION-OLDER"]
    assert "schema_version" in str(issues[0]["message"]) and "conventions" in str(
        issues[0]["message"]
    )
    code, out, _err = run_cli("migrate", "--check", "--root", str(new_repo))
    assert code == 1 and "[schema_version]" in out and "[conventions]" in out
    code, out, err = run_cli("migrate", "--apply", "--root", str(new_repo))
    assert code == 0 and "up to date" in out, out + err
    assert "schema_version: 2" in org.read_text(encoding="utf-8")
    assert org.read_text(encoding="utf-8").splitlines()[0].startswith("# yaml-language-server")
    assert _json(run_cli, "validate", "--root", str(new_repo)) == (0, [])
    org.write_text(
        re.sub(r"(?m)^schema_version: .*$", "schema_version: 99", org.read_text("utf-8")),
        encoding="utf-8",
    )
    code, issues = _json(run_cli, "validate", "--root", str(new_repo))
    assert code == 1 and [i["code"] for i in issues] == ["SCHEMA-VERSION-NEWER"]


def test_migrate_refreshes_a_stale_editor_schema_copy(new_repo: Path, run_cli) -> None:
    fill_placeholders(new_repo)
    copy = new_repo / ".cems" / "schemas" / "document.schema.json"
    copy.write_text("{}", encoding="utf-8")
    code, out, _err = run_cli("migrate", "--root", str(new_repo))
    assert code == 1 and ".cems/schemas/" in out
    assert run_cli("migrate", "--apply", "--root", str(new_repo))[0] == 0
    assert json.loads(copy.read_text(encoding="utf-8")).get("title")


def test_a_repository_word_reference_overrides_the_shipped_one(new_repo: Path) -> None:
    from generator.core.config import Config
    from generator.core.resources import resource_path
    from generator.render.word.copy import reference_bytes

    config = Config.for_root(new_repo)
    shipped = resource_path("templates", "word", "reference.docx").read_bytes()
    assert reference_bytes(config) == shipped
    own = new_repo / "templates" / "word" / "reference.docx"
    own.parent.mkdir(parents=True)
    own.write_bytes(shipped + b"\0")  # stands in for a restyled copy
    assert reference_bytes(config) == shipped + b"\0"

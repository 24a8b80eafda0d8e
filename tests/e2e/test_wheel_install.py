"""The product as an organisation gets it: a wheel installed into a fresh venv, no source tree.

Builds the wheel from a copy of the source (so the checkout gets no build/ or egg-info), installs
it into a venv that borrows the runtime dependencies from this interpreter
(--system-site-packages, so no download of mkdocs & co.), checks that `generator` is imported
from the venv, then from an empty folder: `cems init`, fill the placeholders, a first document,
commit, release as the approver, build, publish, verify the Word copy; and `cems demo` + build.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.new_org import REP, TOP, fill_placeholders
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.slow

SOURCE_PARTS = ("pyproject.toml", "README.md", "generator")


def _run(
    args: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert result.returncode in ok, f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("build", reason="python -m build is in the dev extra")
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    source.mkdir()
    for part in SOURCE_PARTS:
        if (REPO_ROOT / part).is_dir():
            shutil.copytree(
                REPO_ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(REPO_ROOT / part, source / part)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    dist = base / "dist"
    build = [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist)]
    isolated = subprocess.run([*build, str(source)], cwd=base, env=env, capture_output=True)
    if isolated.returncode != 0:  # offline: build with this interpreter's setuptools instead
        _run([*build, "--no-isolation", "--skip-dependency-check", str(source)], base, env)
    wheel = next(dist.glob("cems-*.whl"))
    target = base / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", str(target)], base, env)
    python = target / ("Scripts" if os.name == "nt" else "bin") / "python"
    install = ["-m", "pip", "install", "-q", "--no-deps", "--no-index", "--ignore-installed"]
    _run([str(python), *install, str(wheel)], base, env)
    return target


def _bin(venv: Path, name: str) -> str:
    return str(venv / ("Scripts" if os.name == "nt" else "bin") / name)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    base = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("GIT_")}
    return {**base, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def test_the_wheel_holds_generator_and_its_resources(venv: Path, env, tmp_path: Path) -> None:
    code = (
        "import generator, json; from generator.core.resources import resource_path as r; "
        "print(json.dumps([generator.__file__, str(r('templates', 'word', 'reference.docx')), "
        "str(r('sample', 'content', 'organisation.yaml')), str(r('templates', 'init'))]))"
    )
    out = _run([_bin(venv, "python"), "-c", code], tmp_path, env).stdout
    module, docx, sample, init = (Path(p) for p in json.loads(out))
    assert venv.resolve() in module.resolve().parents, module
    assert REPO_ROOT not in module.resolve().parents
    assert docx.is_file() and sample.is_file() and init.is_dir()
    assert (init / "organisation.yaml.j2").is_file()


def test_a_new_organisation_from_init_to_verified_copy(venv: Path, env, tmp_path: Path) -> None:
    cems = _bin(venv, "cems")
    work = tmp_path / "work"
    work.mkdir()
    _run([cems, "init", "org", "--name", "北京永嘉恒机械有限公司", "--prefix", "YJH"], work, env)
    org = work / "org"
    issues = json.loads(_run([cems, "validate", "--format", "json"], org, env, ok=(1,)).stdout)
    assert issues and {i["code"] for i in issues} == {"PLACEHOLDER"}
    fill_placeholders(org)
    _run([cems, "validate"], org / "content", env)  # found upward from a subfolder

    def git(*args: str, who: tuple[str, str] = REP) -> None:
        _run(["git", "-c", f"user.name={who[0]}", "-c", f"user.email={who[1]}", *args], org, env)

    new = [cems, "new", "procedure", "--title", "文件和记录控制程序"]
    created = org / _run(new, org, env).stdout.split(": ", 1)[1].strip()
    assert created.name == "YJH-QP-01-文件和记录控制程序.md"
    created.write_text(
        created.read_text(encoding="utf-8").replace("status: draft", "status: effective"),
        encoding="utf-8",
    )
    git("add", "-A")
    review = f"Reviewed-by: {TOP[0]} <{TOP[1]}>"
    dated = {**env, "GIT_AUTHOR_DATE": "2026-02-20T10:00:00+08:00"}
    dated["GIT_COMMITTER_DATE"] = dated["GIT_AUTHOR_DATE"]
    _run(
        [
            *("git", "-c", f"user.name={REP[0]}", "-c", f"user.email={REP[1]}", "commit", "-q"),
            *("-m", "填写单位信息，新增文件和记录控制程序", "--trailer", review),
        ],
        org,
        dated,
    )
    _run(["git", "config", "user.name", TOP[0]], org, env)  # the approver releases
    _run(["git", "config", "user.email", TOP[1]], org, env)
    released = {**env, "GIT_COMMITTER_DATE": "2026-02-25T09:00:00+08:00"}
    release = [cems, "release", "2026.1", "--effective-date", "2026-03-01"]
    out = _run(release, org, released).stdout
    assert "release/2026.1" in out and TOP[0] in out
    _run([cems, "build"], org, env)
    copy = org / "build" / "word" / "YJH-QP-01-文件和记录控制程序.docx"
    assert copy.is_file() and (org / "build" / "site" / "index.html").is_file()
    _run([cems, "publish", "--no-word", "--out", str(tmp_path / "pub")], org, env)
    versions = json.loads((tmp_path / "pub" / "versions" / "versions.json").read_text("utf-8"))
    assert {v["version"]: v["aliases"] for v in versions}["2026.1"] == ["latest"]
    verdict = json.loads(_run([cems, "verify", str(copy), "--format", "json"], org, env).stdout)
    assert verdict["document_id"] == "YJH-QP-01" and verdict["state"] == "in_force", verdict
    outside = _run([cems, "verify", str(copy)], work, env, ok=(1,)).stderr
    assert "not a cems repository" in outside and "Traceback" not in outside


def test_the_same_wheel_writes_and_builds_the_demo(venv: Path, env, tmp_path: Path) -> None:
    cems = _bin(venv, "cems")
    _run([cems, "demo", "demo", "--no-build"], tmp_path, env)
    demo = tmp_path / "demo"
    assert (demo / ".git").is_dir() and (demo / "content" / "organisation.yaml").is_file()
    _run([cems, "build"], demo, env)
    assert (demo / "build" / "site" / "index.html").is_file()
    assert list((demo / "build" / "word").glob("CEMS-QP-*.docx"))

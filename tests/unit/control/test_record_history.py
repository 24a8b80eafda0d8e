"""A record's author and date come from the commit that added it; corrections are counted."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.content.project import load_project, require_model
from generator.control.revisions import read_history
from generator.core.config import Config
from generator.core.dates import iso_time

GUO = ("郭鹏", "guo.peng@yanling-ceramics.example")
CHEN = ("陈晓宇", "chen.xiaoyu@yanling-ceramics.example")


def test_record_origin_follows_adds_corrections_and_renames(
    sample_copy: Path, git_repo, tmp_path: Path
) -> None:
    repo = git_repo(sample_copy)
    audits = sample_copy / "records" / "internal-audits"
    moved = tmp_path / "held"  # outside the repository: the first commit has no audits
    shutil.move(audits, moved)
    repo.commit("初始内容", "2024-01-05T09:00:00+08:00", CHEN)
    shutil.move(moved, audits)
    repo.commit("录入内部审核记录", "2024-11-20T15:30:00+08:00", GUO)
    first = sorted(audits.glob("*.yaml"))[0]
    first.write_text(
        first.read_text(encoding="utf-8").replace("审核", "审核 ", 1), encoding="utf-8"
    )
    repo.commit("更正审核记录笔误", "2024-11-22T10:00:00+08:00", CHEN)
    repo.git(
        "mv", f"records/internal-audits/{first.name}", "records/internal-audits/zz-renamed.yaml"
    )
    repo.commit("记录改名", "2024-12-01T10:00:00+08:00", CHEN)

    config = Config.for_root(sample_copy)
    history, issues = read_history(config, require_model(load_project(config)))
    assert not [i for i in issues if i.severity.value == "error"]
    origin = history.records["records/internal-audits/zz-renamed.yaml"]
    assert (origin.recorded.name, origin.recorded.person_id) == ("郭鹏", "guo-peng")
    assert origin.recorded.when.isoformat() == "2024-11-20T15:30:00+08:00"
    assert origin.recorded.meaning == "记录"
    assert origin.later_changes == 1 and iso_time(origin.last_changed).startswith("2024-11-22")
    assert f"records/internal-audits/{first.name}" not in history.records
    untouched = history.records["records/emission-sources/2025.yaml"]
    assert untouched.recorded.name == "陈晓宇" and untouched.later_changes == 0

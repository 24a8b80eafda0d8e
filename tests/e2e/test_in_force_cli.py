"""`cems in-force --at`: what was in force on a date or at a release, from real git history."""

from __future__ import annotations

import json
from pathlib import Path

DOC = "content/documents/procedures/CEMS-QP-04-文件和记录控制程序.md"
ZHOU = ("周建国", "zhou.jianguo@yanling-ceramics.example")
TANG = ("唐雯", "tang.wen@yanling-ceramics.example")


def test_in_force_by_date_and_by_release(sample_copy: Path, git_repo, run_cli) -> None:
    repo = git_repo(sample_copy)
    repo.commit("首次建立", "2024-01-08T09:00:00+08:00", TANG)
    repo.tag(
        "release/2024.1",
        "首次发布\n\nEffective-Date: 2024-02-01",
        "2024-01-26T16:00:00+08:00",
        ZHOU,
    )
    path = sample_copy / DOC
    path.write_text(
        path.read_text(encoding="utf-8") + "\n补充：电子文件每日备份。\n", encoding="utf-8"
    )
    repo.commit("文件控制程序增加备份要求", "2024-05-10T10:00:00+08:00", TANG)
    repo.tag(
        "release/2024.2", "修订\n\nEffective-Date: 2024-06-01", "2024-05-20T16:00:00+08:00", ZHOU
    )

    def at(when: str) -> dict[str, dict[str, str]]:
        code, out, err = run_cli(
            "in-force", "--root", str(sample_copy), "--at", when, "--format", "json"
        )
        assert code == 0, err
        return {d["document_id"]: d for d in json.loads(out)["documents"]}

    assert at("2024-01-31") == {}  # approved, but not yet effective
    assert at("2024-02-01")["CEMS-QP-04"]["revision"] == "A/0"
    assert at("2024-05-31")["CEMS-QP-04"]["revision"] == "A/0"
    assert at("2024-06-01")["CEMS-QP-04"]["revision"] == "A/1"
    assert at("release/2024.1")["CEMS-QP-04"]["release"] == "release/2024.1"
    assert at("2024.2")["CEMS-QP-04"]["effective_date"] == "2024-06-01"
    code, _out, err = run_cli("in-force", "--root", str(sample_copy), "--at", "last week")
    assert code == 2 and "既不是日期" in err

"""The standard's clause catalogue, shipped as package data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from generator.core.resources import data_path, parse_data_yaml


@dataclass(frozen=True)
class Clause:
    id: str
    title: str

    @property
    def parent(self) -> str | None:
        return self.id.rsplit(".", 1)[0] if "." in self.id else None

    @property
    def is_top_level(self) -> bool:
        return "." not in self.id


@lru_cache(maxsize=1)
def clause_catalogue() -> tuple[Clause, ...]:
    text = data_path("clauses.yaml").read_text(encoding="utf-8")
    data = parse_data_yaml(text)
    return tuple(Clause(str(c["id"]), str(c["title"])) for c in data["clauses"])


def clause_ids() -> frozenset[str]:
    return frozenset(c.id for c in clause_catalogue())


def standard_title() -> str:
    return "碳排放管理体系实施指南"

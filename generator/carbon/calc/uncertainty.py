"""Uncertainty, IPCC 2006 Vol. 1 Ch. 3 Approach 1 (error propagation).

Per source (a product of factors):  U = sqrt(U_AD^2 + U_NCV^2 + U_CC^2 + U_OF^2)   (% of mean, 95% CI)
Sum of sources:                     U_total = sqrt(sum((U_i x E_i)^2)) / |sum(E_i)|
Approach 1 assumes independent inputs and U below about 60%; above that the result is flagged
(Approach 2, Monte Carlo, would be the right tool). An input that states no uncertainty gets the
assumed value from `data/factors/other.yaml` (5%), and the result lists it as assumed.

Correlated inputs (IPCC 2006 Vol. 1 Ch. 3, Approach 1 with correlation): sources that use the
same value of one input — one measured NCV for all gas burners, one default carbon content —
share its error. Such an input's contributions U_p x E_i are summed linearly over the sources
that share it (fully correlated) before the root-sum-square; activity data (separate meters)
and inputs used by one source stay independent:
    U_total = sqrt( sum_i (U_AD,i E_i)^2 + sum_p (U_p x sum_{i uses p} E_i)^2 ) / |sum E_i|
Both figures are kept: the correlated one is the result, the independent one shows the effect.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from generator.carbon.calc.exact import estimate
from generator.carbon.calc.factors import Parameter

LIMIT_PERCENT = Decimal(60)


@estimate
def source_uncertainty(
    activity_u: Decimal | None, assumed_activity_u: Decimal, parameters: Sequence[Parameter]
) -> tuple[Decimal, tuple[str, ...]]:
    """(U of the source in %, names of the inputs whose uncertainty was assumed)."""
    assumed: list[str] = []
    if activity_u is None:
        activity_u = assumed_activity_u
        assumed.append("activity")
    squares = activity_u**2
    for p in parameters:
        if p.value == 0:  # a zero factor (green electricity) has no relative uncertainty
            continue
        squares += p.uncertainty_percent**2
        if p.uncertainty_assumed:
            assumed.append(p.name)
    return squares.sqrt(), tuple(assumed)


@estimate
def combine_total(items: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """U_total from (U_i %, E_i) pairs; None when the total is zero."""
    pairs = list(items)
    total = sum((e for _u, e in pairs), Decimal(0))
    if total == 0:
        return None
    return sum(((u * e) ** 2 for u, e in pairs), Decimal(0)).sqrt() / abs(total)


def over_limit(value: Decimal | None) -> bool:
    return value is not None and value > LIMIT_PERCENT


class _Source(Protocol):
    @property
    def source_id(self) -> str: ...
    @property
    def emissions_tco2(self) -> Decimal: ...
    @property
    def uncertainty_percent(self) -> Decimal: ...
    @property
    def parameters(self) -> tuple[Parameter, ...]: ...


@dataclass(frozen=True)
class SharedInput:
    key: str
    name: str  # parameter name (ncv, carbon_content, ...)
    value: Decimal
    unit: str
    uncertainty_percent: Decimal
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Correlation:
    independent_percent: Decimal | None  # all inputs taken as independent
    correlated_percent: Decimal | None  # shared inputs fully correlated (the result)
    shared: tuple[SharedInput, ...]  # inputs used by more than one source


def _activity_percent(source: _Source) -> Decimal:
    """U_AD of a source, recovered from its combined U and its parameters' U."""
    squares = source.uncertainty_percent**2 - sum(
        (p.uncertainty_percent**2 for p in source.parameters if p.value != 0), Decimal(0)
    )
    return max(squares, Decimal(0)).sqrt()


@estimate
def combine_correlated(sources: Sequence[_Source]) -> Correlation:
    total = sum((s.emissions_tco2 for s in sources), Decimal(0))
    independent = combine_total((s.uncertainty_percent, s.emissions_tco2) for s in sources)
    groups: dict[str, list[tuple[_Source, Parameter]]] = {}
    for s in sources:
        for p in s.parameters:
            if p.value != 0 and p.uncertainty_percent:
                groups.setdefault(p.shared_key or f"{s.source_id}:{p.name}", []).append((s, p))
    if total == 0:
        return Correlation(independent, None, ())
    squares = sum(((_activity_percent(s) * s.emissions_tco2) ** 2 for s in sources), Decimal(0))
    shared = []
    for key, members in groups.items():
        u = members[0][1].uncertainty_percent
        squares += (u * sum((s.emissions_tco2 for s, _p in members), Decimal(0))) ** 2
        if len({s.source_id for s, _p in members}) > 1:
            p = members[0][1]
            ids = tuple(sorted({s.source_id for s, _p in members}))
            shared.append(SharedInput(key, p.name, p.value, p.unit, u, ids))
    return Correlation(independent, squares.sqrt() / abs(total), tuple(shared))

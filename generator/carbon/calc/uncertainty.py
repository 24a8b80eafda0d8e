"""Uncertainty, IPCC 2006 Vol. 1 Ch. 3 Approach 1 (error propagation).

Per source (a product of factors):  U = sqrt(U_AD^2 + U_NCV^2 + U_CC^2 + U_OF^2)   (% of mean, 95% CI)
Sum of sources:                     U_total = sqrt(sum((U_i x E_i)^2)) / |sum(E_i)|
Approach 1 assumes independent inputs and U below about 60%; above that the result is flagged
(Approach 2, Monte Carlo, would be the right tool). An input that states no uncertainty gets the
assumed value from `data/factors/other.yaml` (5%), and the result lists it as assumed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from generator.carbon.calc.factors import Parameter

LIMIT_PERCENT = Decimal(60)


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


def combine_total(items: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """U_total from (U_i %, E_i) pairs; None when the total is zero."""
    pairs = list(items)
    total = sum((e for _u, e in pairs), Decimal(0))
    if total == 0:
        return None
    return sum(((u * e) ** 2 for u, e in pairs), Decimal(0)).sqrt() / abs(total)


def over_limit(value: Decimal | None) -> bool:
    return value is not None and value > LIMIT_PERCENT

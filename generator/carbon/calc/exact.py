"""Exact decimal arithmetic for the carbon engine.

Inputs are Decimals from their source text. Products and sums of them are exact when the
working precision is large enough, so the engine works at `PRECISION` significant digits:
activity data x emission factor = emissions and the sum of sources = the total hold to the
last digit in the JSON output. The only inexact steps are divisions (44/12 in a combustion
factor, intensities, percentages): a derived factor is rounded once to `FACTOR_DIGITS`
significant digits and then used as written, so every later product is exact again.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Context, Decimal, localcontext
from functools import wraps
from typing import Any, ParamSpec, TypeVar

PRECISION = 120
FACTOR_DIGITS = 34

P = ParamSpec("P")
R = TypeVar("R")


def exact(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` at the engine's working precision."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return function(*args, **kwargs)

    return wrapper


ESTIMATE_PRECISION = 28  # Python's default: uncertainties are estimates, not sums


def estimate(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` at ordinary precision (uncertainty percentages)."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext() as ctx:
            ctx.prec = ESTIMATE_PRECISION
            return function(*args, **kwargs)

    return wrapper


def factor_value(value: Decimal) -> Decimal:
    """A derived factor as the engine states and uses it (FACTOR_DIGITS significant digits)."""
    context = Context(prec=FACTOR_DIGITS)
    rounded = context.plus(value).normalize(context)
    exponent = rounded.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:  # 1E+2 -> 100
        rounded = rounded.quantize(Decimal(1))
    return rounded


def dec(value: Any) -> Decimal:
    """A record value (int or Decimal from the loader, or text) as a Decimal, exactly."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float):  # not from the loader; keep its shortest repr
        return Decimal(repr(value))
    return Decimal(str(value))


def quotient(numerator: Decimal, denominator: Decimal) -> Decimal:
    """A ratio (intensity, percentage): inexact by nature, stated to FACTOR_DIGITS digits."""
    return factor_value(numerator / denominator)


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator exactly when it terminates (a mean of one or two years, an
    average area), else stated to FACTOR_DIGITS digits like any other ratio."""
    exact_value = numerator / denominator
    if exact_value * denominator == numerator and len(exact_value.as_tuple().digits) < PRECISION:
        return exact_value
    return factor_value(exact_value)

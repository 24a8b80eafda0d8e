"""Tables derived from a model's meter readings, computed once per model.

`cems check` computes the inventory of several years and the anomaly analysis twice, each
of which used to walk all readings (50,000 rows in a large repository). A Model is frozen, so
what is derived from it is the same for as long as the object lives: the last model's result
is kept, found by identity (the model itself is held, so its id cannot be reused). Results are
shared: callers read them, never change them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from generator.content.model import Model

T = TypeVar("T")


def once_per_model(derive: Callable[[Model], T]) -> Callable[[Model], T]:
    last: list[tuple[Model, T]] = []

    @wraps(derive)
    def wrapper(model: Model) -> T:
        if last and last[0][0] is model:
            return last[0][1]
        value = derive(model)
        last[:] = [(model, value)]
        return value

    return wrapper

"""Views: per kind of subject, the table of facts declared rules test. Each declares its columns (for validation
and the docs) and builds its rows from a ``DayContext``. Every view has ``subject`` and ``label`` columns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from shopops.diagnose.context import DayContext


@dataclass(frozen=True)
class View:
    kind: str
    columns: Mapping[str, str]  # column → what it holds
    build: Callable[[DayContext], pd.DataFrame]

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "columns", MappingProxyType({"subject": "the subject", "label": "its name", **self.columns})
        )


VIEWS: dict[str, View] = {}


def view(kind: str, columns: Mapping[str, str]) -> Callable[[Callable[[DayContext], pd.DataFrame]], Callable]:
    def wrap(build: Callable[[DayContext], pd.DataFrame]) -> Callable[[DayContext], pd.DataFrame]:
        VIEWS[kind] = View(kind, columns, build)
        return build

    return wrap


def shifted(name: str, what: str) -> dict[str, str]:
    """The four columns of a metric judged against its baseline."""
    return {
        name: f"{what}: the recent episode's level",
        f"{name}_base": f"{what}: the baseline level before the episode",
        f"{name}_z": f"{what}: robust z of the move",
        f"{name}_days": f"{what}: days in the episode",
    }


def put_shift(out: dict, name: str, shift, *, transform=None) -> None:
    f = transform or (lambda x: x)
    out[name] = f(shift.value)
    out[f"{name}_base"] = f(shift.baseline)
    out[f"{name}_z"] = shift.z
    out[f"{name}_days"] = shift.days


from shopops.diagnose.views import agents, competitors, keywords, products, sources, store  # noqa: E402, F401

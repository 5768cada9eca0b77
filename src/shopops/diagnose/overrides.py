"""Per-store thresholds: ``thresholds.toml`` in the workspace folder overrides any rule's params.

::

    ["*".bounce_rate_high]        # every store
    fail = 0.65

    [tmall-flagship.stock_cover_low]
    min_days = 10

    [tmall-flagship.agent_below_team]
    enabled = false               # switch a rule off for one store

A table is ``[STORE.RULE]`` (``"*"`` for every store); keys are the rule's params (``shopops diagnose rules`` lists
them) or ``enabled``. An unknown rule or param, or a value that is not a number, is an error naming it and
listing the valid ones — a typo never silently does nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from shopops.diagnose.errors import BadThresholds, UnknownParam, UnknownRule
from shopops.diagnose.rules import RULES

FILE_NAME = "thresholds.toml"
ALL = "*"


@dataclass(frozen=True)
class Overrides:
    by_store: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    path: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_store", MappingProxyType(dict(self.by_store)))

    def params(self, rule: str, store_id: str) -> dict[str, float]:
        merged = dict(RULES[rule].info.params)
        for scope in (ALL, store_id):
            merged.update({k: v for k, v in self.by_store.get(scope, {}).get(rule, {}).items() if k != "enabled"})
        return merged

    def enabled(self, rule: str, store_id: str) -> bool:
        flag = True
        for scope in (ALL, store_id):
            flag = bool(self.by_store.get(scope, {}).get(rule, {}).get("enabled", flag))
        return flag


NONE = Overrides()


def load_overrides(folder: str | Path | None) -> Overrides:
    """The workspace's ``thresholds.toml`` (none: every rule at its defaults)."""
    if folder is None:
        return NONE
    path = Path(folder) / FILE_NAME
    if not path.is_file():
        return NONE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadThresholds(file=str(path), reason=str(exc)) from None
    return parse_overrides(raw, str(path))


def parse_overrides(raw: Mapping[str, Any], file: str = FILE_NAME) -> Overrides:
    # importing the built-ins fills the registry this file is checked against
    import shopops.diagnose.builtin  # noqa: F401
    import shopops.diagnose.functions  # noqa: F401

    out: dict[str, dict[str, dict[str, Any]]] = {}
    for store, rules in raw.items():
        if not isinstance(rules, dict):
            raise BadThresholds(file=file, reason=f"'{store}' must be a table of rules, e.g. [{store}.RULE]")
        for rule, values in rules.items():
            if rule not in RULES:
                raise UnknownRule(file=file, name=rule, valid=", ".join(sorted(RULES)))
            if not isinstance(values, dict):
                raise BadThresholds(file=file, reason=f"[{store}.{rule}] must be a table of params")
            known = RULES[rule].info.params
            for key, value in values.items():
                if key == "enabled":
                    if not isinstance(value, bool):
                        raise BadThresholds(file=file, reason=f"[{store}.{rule}] enabled must be true or false")
                    continue
                if key not in known:
                    raise UnknownParam(file=file, rule=rule, name=key, valid=", ".join(["enabled", *known]))
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise BadThresholds(file=file, reason=f"[{store}.{rule}] {key} = {value!r} is not a number")
            out.setdefault(str(store), {})[rule] = dict(values)
    return Overrides(out, file)

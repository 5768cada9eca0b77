"""Stage five: diagnosis — rules declared as data, calendar-aware anomalies, and root causes with their evidence.

``diagnose(engine, day)`` reads one store through the metric layer and returns a ``Diagnosis``: ``Finding``s
ranked most important first, each holding the rows that prove it. ``act`` turns them into tasks.
"""

from shopops.diagnose.data import StoreData, load_store
from shopops.diagnose.model import DaySummary, Diagnosis, Evidence, Finding, Severity
from shopops.diagnose.overrides import Overrides, load_overrides
from shopops.diagnose.rules import RULES, Change, Level, MinSample, Rule, RuleInfo, Threshold, Top, function_rule
from shopops.diagnose.run import diagnose, diagnose_day

__all__ = [
    "RULES",
    "Change",
    "DaySummary",
    "Diagnosis",
    "Evidence",
    "Finding",
    "Level",
    "MinSample",
    "Overrides",
    "Rule",
    "RuleInfo",
    "Severity",
    "StoreData",
    "Threshold",
    "Top",
    "diagnose",
    "diagnose_day",
    "function_rule",
    "load_overrides",
    "load_store",
]

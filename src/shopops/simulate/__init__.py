"""A believable shop simulator with planted causes: the demo a newcomer sees, the test bed of the diagnosis, and
the source of benchmark data.

``simulate(SimConfig(...), out_dir)`` writes export files that ``shopops import`` reads, plus ``truth.json`` (the
planted causes, codes from ``shopops.schema.causes``) and ``manifest.json`` (every file, its format, store and
rows). Same seed → byte-identical files.
"""

from shopops.simulate.config import SimConfig
from shopops.simulate.plan import parse_scenarios
from shopops.simulate.run import MANIFEST, TRUTH, SimResult, simulate
from shopops.simulate.scenarios import CLEAN, SCENARIO_NAMES, SCENARIOS, Event

__all__ = [
    "CLEAN",
    "MANIFEST",
    "SCENARIOS",
    "SCENARIO_NAMES",
    "TRUTH",
    "Event",
    "SimConfig",
    "SimResult",
    "parse_scenarios",
    "simulate",
]

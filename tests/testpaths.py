"""Paths every test may import (``from testpaths import ROOT``).

Not in conftest.py: with several conftest.py files in the tree, ``from conftest import …`` picks whichever was
imported first.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = Path(os.environ.get("SHOPOPS_SHARED_DATA", ROOT.parent / "shared" / "data"))

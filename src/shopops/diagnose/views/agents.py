"""The customer-service view (客服): each agent's inquiry → payment conversion against the rest of the team (with
a Wilson interval) and against the agent's own baseline, and the first-response time."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from shopops.diagnose.baseline import log_shift, rate_shift
from shopops.diagnose.context import DayContext
from shopops.diagnose.panel import aligned, matrix, safe_div, series, window_sum
from shopops.diagnose.views import put_shift, shifted, view

WINDOW = 7
Z95 = 1.96

COLUMNS = {
    "inquiries_7d": "inquiries over the last 7 days",
    "paid_7d": "inquirers who paid, last 7 days",
    "conversion_7d": "paid ÷ inquiries, last 7 days",
    "ci_low": "95 % Wilson interval of conversion_7d, lower end",
    "ci_high": "its upper end",
    "team_conversion_7d": "the rest of the team's conversion over the same days",
    "gap_to_team": "team conversion − the agent's upper 95 % bound (> 0: surely below the team)",
    **shifted("conversion", "inquiry → payment conversion"),
    **shifted("response", "average first-response seconds"),
    "lost_payments": "GMV per day lost against the agent's own baseline",
}


@view("agent", COLUMNS)
def build(ctx: DayContext) -> pd.DataFrame:
    d, t = ctx.data, ctx.t
    inq, agents = matrix(d, "service", "agent", "inquiries")
    if not agents or t < 0:
        return pd.DataFrame(columns=list(COLUMNS) + ["subject", "label"])
    paid = aligned(d, "service", "agent", "inquirers_paid", agents)
    resp = aligned(d, "service", "agent", "response_seconds", agents)
    out: dict[str, object] = {"subject": list(agents), "label": list(agents)}
    n7, p7 = window_sum(inq, t, WINDOW), window_sum(paid, t, WINDOW)
    out["inquiries_7d"], out["paid_7d"] = n7, p7
    out["conversion_7d"] = safe_div(p7, n7)
    lows, highs = zip(*(wilson(p, n) for p, n in zip(np.nan_to_num(p7), np.nan_to_num(n7), strict=True)), strict=True)
    out["ci_low"], out["ci_high"] = np.array(lows), np.array(highs)
    out["team_conversion_7d"] = safe_div(np.nansum(p7) - np.nan_to_num(p7), np.nansum(n7) - np.nan_to_num(n7))
    out["gap_to_team"] = np.asarray(out["team_conversion_7d"]) - out["ci_high"]
    conv = rate_shift(paid, inq, t, usable=ctx.usable, direction="down", min_trials=15)
    put_shift(out, "conversion", conv)
    r = log_shift(np.log(resp), t, usable=ctx.usable, floor=0.05, direction="up", min_base=7, require_today=False)
    put_shift(out, "response", r, transform=np.exp)
    gmv, buyers = series(d, "store_daily", "gmv"), series(d, "store_daily", "buyers")
    rpb = safe_div(np.nansum(gmv[max(0, t - 28) : t]), np.nansum(buyers[max(0, t - 28) : t]))
    if not np.isfinite(rpb):  # no traffic export: the agents' own sales per paying inquirer
        rpb = safe_div(np.nansum(aligned(d, "service", "agent", "paid_amount", agents)), np.nansum(paid))
    out["lost_payments"] = np.maximum(0, conv.baseline - conv.value) * np.nan_to_num(inq[t]) * rpb
    return pd.DataFrame(out)


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion; (nan, nan) without trials."""
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)

"""The traffic-source view: each source's visitors against its own normal range, and its page health."""

from __future__ import annotations

import numpy as np
import pandas as pd

from shopops.diagnose.baseline import log_shift, remove_common
from shopops.diagnose.context import DayContext
from shopops.diagnose.panel import aligned, matrix, safe_div, window_median, window_sum
from shopops.diagnose.sources import source_kind
from shopops.diagnose.views import put_shift, shifted, view

COLUMNS = {
    "kind": "the source's kind (search, paid_search, recommend, direct, campaign, content, affiliate, other)",
    **shifted("visitors", "visitors from the source (day effects common to all sources taken out)"),
    "visitors_today": "the day's visitors from the source",
    "gmv_today": "the day's GMV from the source",
    "value_per_visitor": "GMV ÷ visitors over the baseline days",
    "visitors_loss": "GMV per day lost to the missing visitors",
    "bounce_rate_7d": "bounce rate over the last 7 days",
    "pages_per_visitor_7d": "pages per visitor over the last 7 days",
    "visitors_7d": "visitors over the last 7 days",
}


@view("source", COLUMNS)
def build(ctx: DayContext) -> pd.DataFrame:
    d, t = ctx.data, ctx.t
    V, names = matrix(d, "traffic", "source", "visitors")
    if not names or t < 0:
        return pd.DataFrame(columns=list(COLUMNS) + ["subject", "label"])
    G = aligned(d, "traffic", "source", "gmv", names)
    BR = aligned(d, "traffic", "source", "bounce_rate", names)
    PV = aligned(d, "traffic", "source", "page_views", names)
    lo = max(0, t - 60)
    y = np.full_like(V, np.nan)
    y[lo : t + 1] = remove_common(np.log(V[lo : t + 1] + 1))
    floor = 1 / np.sqrt(window_median(V, t - 28, t - 1) + 1)
    shift = log_shift(y, t, usable=ctx.usable, floor=np.maximum(floor, 0.05), direction="down")
    # the subject is the source as the export names it ("手淘搜索", "search"); its kind makes rules portable
    out: dict[str, object] = {"subject": list(names), "label": list(names), "kind": [source_kind(n) for n in names]}
    put_shift(out, "visitors", shift, transform=lambda x: np.exp(x) - 1)
    out["visitors_today"] = V[t]
    out["gmv_today"] = G[t]
    vpv = safe_div(window_sum(G, t - 1, 28), window_sum(V, t - 1, 28))
    out["value_per_visitor"] = vpv
    out["visitors_loss"] = np.maximum(0, np.asarray(out["visitors_base"]) - V[t]) * vpv
    v7 = window_sum(V, t, 7)
    out["visitors_7d"] = v7
    out["bounce_rate_7d"] = safe_div(window_sum(BR * V, t, 7), v7)
    out["pages_per_visitor_7d"] = safe_div(window_sum(PV, t, 7), v7)
    return pd.DataFrame(out)

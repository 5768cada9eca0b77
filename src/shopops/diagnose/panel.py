"""[day × subject] matrices of a loaded shop, built once per ``StoreData`` and shared by every day diagnosed."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd

from shopops.diagnose.data import StoreData


@lru_cache(maxsize=512)
def matrix(data: StoreData, frame: str, key: str, column: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Σ ``column`` of ``data.<frame>`` per (date, ``key``), NaN where the day has no row: (matrix, subjects)."""
    df: pd.DataFrame = getattr(data, frame)
    subjects = tuple(sorted(str(s) for s in df[key].dropna().unique())) if len(df) else ()
    out = np.full((len(data.dates), len(subjects)), np.nan)
    if not subjects:
        return out, subjects
    rows = df[df[key].notna() & df[column].notna()]
    if len(rows):
        g = rows.assign(_v=pd.to_numeric(rows[column], errors="coerce")).groupby(["date", key])["_v"].sum()
        wide = g.unstack(key)
        wide.index = [_day(d) for d in wide.index]
        wide.columns = [str(c) for c in wide.columns]
        out = wide.reindex(index=list(data.dates), columns=list(subjects)).to_numpy(float)
    return out, subjects


def _day(d) -> dt.date:
    return d.date() if isinstance(d, pd.Timestamp | dt.datetime) else d


def aligned(data: StoreData, frame: str, key: str, column: str, subjects: tuple[str, ...]) -> np.ndarray:
    """``matrix`` with its columns in the order of ``subjects`` (NaN for a subject the frame lacks)."""
    m, have = matrix(data, frame, key, column)
    pos = {s: j for j, s in enumerate(have)}
    out = np.full((m.shape[0], len(subjects)), np.nan)
    for j, s in enumerate(subjects):
        if s in pos:
            out[:, j] = m[:, pos[s]]
    return out


def window_sum(m: np.ndarray, t: int, days: int) -> np.ndarray:
    """Σ over the ``days`` days ending at index ``t`` (NaN counts as 0; NaN only when every day is NaN)."""
    w = m[max(0, t - days + 1) : t + 1]
    with np.errstate(all="ignore"):
        total = np.nansum(w, axis=0)
    return np.where(np.all(np.isnan(w), axis=0), np.nan, total)


def window_median(m: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Median over days [lo, hi] (indices, inclusive), NaN ignored."""
    import warnings

    w = m[max(0, lo) : hi + 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(w, axis=0) if len(w) else np.full(m.shape[1], np.nan)


@lru_cache(maxsize=128)
def series(data: StoreData, frame: str, column: str) -> np.ndarray:
    """One column of a frame with one row per date (``store_daily``) as an array over ``data.dates``."""
    df: pd.DataFrame = getattr(data, frame)
    if not len(df):
        return np.full(len(data.dates), np.nan)
    s = pd.Series(pd.to_numeric(df[column], errors="coerce").to_numpy(float), index=[_day(d) for d in df["date"]])
    s = s.groupby(level=0).sum(min_count=1)
    return s.reindex(list(data.dates)).to_numpy(float)


def rank_desc(x: np.ndarray) -> np.ndarray:
    """1 for the largest value, 2 for the next …; NaN and zero rank last."""
    key = np.where(np.isnan(x) | (x <= 0), -np.inf, x)
    order = np.argsort(-key, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    return np.where(key == -np.inf, np.nan, ranks)


def safe_div(a, b):
    with np.errstate(all="ignore"):
        out = np.asarray(a, dtype=float) / np.asarray(b, dtype=float)
    return np.where(np.isfinite(out), out, np.nan)

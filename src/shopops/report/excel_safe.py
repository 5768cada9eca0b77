"""Formula injection guard for text written to spreadsheets (CWE-1236).

A cell that begins with = + - @, a tab or a carriage return may run as a formula when the sheet is opened or
re-saved as CSV. Such text is written with a leading apostrophe; text that already begins with one gets another,
so the guard can be undone exactly (``restore``) and never changes any other text.
"""

from __future__ import annotations

TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(text: str) -> str:
    return QUOTE + text if text.startswith((*TRIGGERS, QUOTE)) else text


def restore(text: str) -> str:
    return text[1:] if text.startswith(QUOTE) else text

"""Defences applied to every cell an agency file or page hands in, before anything reads it.

Two hostile or broken shapes reach us from exports: control characters (a NUL that
PostgreSQL refuses, escapes pasted from terminals, ``_x0001_`` escapes in xlsx) and
spreadsheet formula injection (``=HYPERLINK(...)``, ``=cmd|'/C calc'!A0``,
``@SUM(...)``), which a receiver's Excel would execute when a ledger is opened.
Control characters are removed; an injected formula keeps its text as data without
the leading trigger characters, and the caller records a flag. Nothing is evaluated.
"""

from __future__ import annotations

import re

__all__ = ["defuse_formula", "has_control", "scrub_control"]

# C0 controls except tab and line breaks (descriptions keep their lines until
# ``clean_text``), DEL and the C1 block.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TRIGGERS = "=+-@"
# A function call (HYPERLINK(, cmd|, WEBSERVICE(, _xlfn.X( ...) or a DDE pipe.
_CALL_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\s*\(|\|")
_LEADING_RE = re.compile(r"^[\s=+\-@]+")


def has_control(text: str) -> bool:
    """Whether the text holds a control character that ``scrub_control`` removes."""
    return _CONTROL_RE.search(text) is not None


def scrub_control(text: str) -> str:
    """The text without control characters (tab, CR and LF are kept)."""
    return _CONTROL_RE.sub("", text)


def defuse_formula(text: str) -> str | None:
    """The text without its formula trigger when it is a formula injection, else ``None``.

    A cell is an injection when, after leading spaces, it starts with ``=``, or with
    ``+``/``-``/``@`` followed by a function call or a DDE pipe. Phone numbers
    (``+86 138 ...``), negative numbers and the ``-``/``--`` placeholders are data,
    not formulas, and are left alone (``None``).
    """
    stripped = text.lstrip()
    if not stripped or stripped[0] not in _TRIGGERS:
        return None
    if stripped[0] != "=" and _CALL_RE.search(stripped) is None:
        return None
    return _LEADING_RE.sub("", stripped)

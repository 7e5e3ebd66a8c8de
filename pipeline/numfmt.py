"""The one way a figure is written for people: :func:`number`, and its four common forms.

A figure that rounds to zero is written as zero, without a minus, whatever the sign of the float behind it: a mean
score of -0.8 and +0.8 is -3.7e-17 ("−0.00" beside another brand's "+0.00"), a negative churn gap times no
lifetime value is -0.0 ("−0"), an NPS interval's bound of -0.007 is "-0.0". A missing figure (None, NaN) is
"–". The report and the e-mailed CX-worth text use the typographic minus (U+2212, :data:`MINUS`), which
reads as a minus in every font; the command line's text the ASCII hyphen, which a terminal's user can paste into
a shell or a spreadsheet.

Used by the report (:mod:`pipeline.report.build`, :mod:`pipeline.report.summary`) and the CX-worth analysis
(:mod:`pipeline.surveys.worth`).
"""

from __future__ import annotations

import math

MINUS = "\u2212"  # the typographic minus sign
MISSING = "–"  # an en dash: no figure


def number(x: float | None, spec: str, minus: str = MINUS) -> str:
    """``x`` in the format ``spec`` (``"+.1f"``, ``",.0f"``, ``".0%"``), its minus written as ``minus``; one that
    rounds to zero in that format as zero ("0", "+0.0", "0%"); :data:`MISSING` for None or NaN."""
    if x is None or x != x:
        return MISSING
    shown = format(x, spec)
    if math.isfinite(x) and not any(c in "123456789" for c in shown):
        shown = format(0.0, spec)
    return shown.replace("-", minus)


def signed(x: float | None, digits: int = 0) -> str:
    """A signed figure: "+12", "−3.5", "+0.00"."""
    return number(x, f"+.{digits}f")


def grouped(x: float | None, digits: int = 0) -> str:
    """A figure with its thousands grouped: "1,234", "−1,234.5", "0"."""
    return number(x, f",.{digits}f")


def points(x: float | None, digits: int = 1) -> str:
    """A difference of two shares (fractions) in percentage points: "+1.2 pp", "−25.0 pp", "+0.0 pp"."""
    return MISSING if x is None or x != x else f"{signed(100 * x, digits)} pp"


def share(x: float | None, digits: int = 0) -> str:
    """A share (a fraction of 0-1) as a percentage: "12%", "12.3%"; one that is neither none nor all never rounds to
    "0%" or "100%" (4 negatives of 1,000 are "<1%", not the "0%" of a brand with none; 996 of 1,000 ">99%")."""
    if x is not None and 0 < x < 1:
        step, shown = 10**-digits, float(f"{x * 100:.{digits}f}")
        if shown == 0:
            return f"<{step:.{digits}f}%"
        if shown == 100:
            return f">{100 - step:.{digits}f}%"
    return number(x, f".{digits}%")

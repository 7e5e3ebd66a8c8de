"""The one way figures are written (pipeline/numfmt.py): a figure that rounds to zero never shows a minus."""

import math

from hypothesis import given
from hypothesis import strategies as st

from pipeline import numfmt


def test_figures_that_round_to_zero_read_as_zero_and_missing_ones_as_a_dash():
    """A mean score of -0.8 and +0.8 (-3.7e-17) read "−0.00" beside another brand's "+0.00"; a negative churn gap
    times no CLV (-0.0) "−0"; an NPS interval's bound of -0.007 on the command line "-0.0"."""
    assert [numfmt.signed(x, 2) for x in (-3.7e-17, 0.0, -0.006, 0.29)] == ["+0.00", "+0.00", "−0.01", "+0.29"]
    assert [numfmt.grouped(x) for x in (-0.0, -0.3, -1234.5, 1234.5, None, math.nan)] == [
        "0", "0", "−1,234", "1,234", "–", "–",
    ]  # fmt: skip
    assert [numfmt.points(x) for x in (-0.0004, 0.0004, 0.012, -0.25, None)] == [
        "+0.0 pp", "+0.0 pp", "+1.2 pp", "−25.0 pp", "–",
    ]  # fmt: skip
    assert numfmt.number(-0.007, "+.1f", minus="-") == "+0.0"
    assert numfmt.number(-0.004, ".0%", minus="-") == "0%"
    assert numfmt.number(-0.014, ".1%", minus="-") == "-1.4%"
    assert numfmt.grouped(-math.inf) == "−inf"


def test_a_share_of_some_never_reads_as_none_or_all():
    """4 negatives of 1,000 were "0%", as a brand with none is; 996 of 1,000 "100%" (the report's; `brandpulse
    summary`'s and the CX-worth text's too, which wrote shares in a format of their own)."""
    share = numfmt.share
    assert [share(x) for x in (0, 0.004, 0.5, 0.996, 1, None, math.nan)] == [
        "0%",
        "<1%",
        "50%",
        ">99%",
        "100%",
        "–",
        "–",
    ]
    assert [share(x, 1) for x in (0.004, 0.0004, 0.9996, -0.0)] == ["0.4%", "<0.1%", ">99.9%", "0.0%"]


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.integers(0, 4),
    st.sampled_from(["+.{}f", ",.{}f", ".{}f", ".{}%", "+.{}%"]),
)
def test_a_figure_shows_a_minus_exactly_when_it_reads_as_less_than_zero(x, digits, spec):
    """The written figure, read back, is the float rounded in its format; a minus only before a digit other than
    zero."""
    shown = numfmt.number(x, spec.format(digits))
    value = float(shown.replace(numfmt.MINUS, "-").replace(",", "").rstrip("%"))
    expected = float(format(x * (100 if spec.endswith("%") else 1), f".{digits}f"))
    assert value == expected or (value == 0 and expected == 0)
    assert shown.startswith(numfmt.MINUS) == (value < 0)
    assert "-" not in shown

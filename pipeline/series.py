"""Any count series through the detectors: what ``brandpulse detect-series`` reads, runs and returns.

:func:`read_series` reads a CSV export from another tool (or a public labelled series): a ``timestamp`` column
(ISO-8601; a stamp without an offset is on ``timezone``'s clock, else UTC), a count column and optionally a
column of negative counts (part of the count), split as a file drop's ``delimiter: auto`` splits it (Excel in
Poland or the Netherlands saves semicolons), each count read as a file drop reads one ("1.000" is no count). It
returns the rows summed to their period (``5min``, ``hour`` or ``day``), as ``period``, ``volume`` and
``n_negative``; the periods are the rows' own (:func:`_own_grid`: hourly rows at +05:30 are hours from 07:30 UTC,
not 07:00; 5-minute rows sum to the hours of the clock they were written on; rows whose offsets differ in their
minutes, to UTC's). :func:`flag_series` runs the intraday detector (:mod:`pipeline.detect_hourly`; 5min, hour) or
the nightly one (:mod:`pipeline.detect`; day) on it and returns one row per flagged window: ``start``, ``end``
(UTC), ``observed``, ``expected``, ``z``, ``p_count``, ``p_share``, ``kind``, ``periods``.

An export that cannot be read as a series raises :class:`SeriesError`, whose message names the file, the column
and the line an editor shows (the header is line 1) and the problem: no table is drawn from a guess. Limits: a
count is a whole number from 0 to :data:`MAX_COUNT`; the rows span at most :data:`MAX_PERIODS` periods (the
detectors fill every period from the first to the last).

Local time: in the hour the clocks go through twice, the rows' order tells the two apart (the hour's first run is
summer time; from the row where the stamps step back, winter time); a stamp in the hour they skip is refused.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.detect import detect_spikes, first_tested_day
from pipeline.detect_hourly import detect_intraday, first_tested
from pipeline.records import Rejected, count, csv_delimiter, csv_text

FREQS = {"5min": "5min", "hour": "h", "day": "D"}  # --freq: the pandas alias of its period
MAX_COUNT = 10**15  # a larger count in the CSV is no count (int64 holds 9.2e18; sums stay exact)
MAX_PERIODS = 1_000_000  # periods from the first row to the last: 9.5 years of 5 minutes, 114 of hours
# an ISO-8601 time's own offset (Z, +02, -0530, +02:00), after the time: a date alone, 2026-10-13, has none
_ZONE = r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"
_OFFSET = r"[Tt ].*" + _ZONE
COLUMNS = ["start", "end", "observed", "expected", "z", "p_count", "p_share", "kind", "periods"]


class SeriesError(ValueError):
    """A CSV that cannot be read as a count series, naming the file, the column, the line and the problem."""


def _on_clock(cells, zone: str, file: Path):
    """Naive stamps (``cells``: ISO-8601 text indexed by line, each readable) read on ``zone``'s clock, as UTC. A
    stamp in the hour the clocks skip is refused with its line. One in the hour they repeat is placed by the rows'
    order (oldest first, or newest first where the file runs so): the hour's first run is the summer-time one, and
    from the row where the stamps step back (a repeat, where the file has one row a time) the winter-time one;
    refused with its line where the order does not tell (several rows a time and no step back, or more than one)."""
    local = pd.to_datetime(cells.str.strip(), format="ISO8601")
    summer = local.dt.tz_localize(zone, ambiguous=np.ones(len(local), bool), nonexistent="NaT")
    if summer.isna().any():
        row_no = summer.isna().idxmax()
        raise SeriesError(
            f"{file}: column 'timestamp': {cells[row_no].strip()[:80]!r} on line {row_no} is no time on {zone}'s "
            "clock (the hour skipped when the clocks go forward): write it with its UTC offset"
        )
    winter = local.dt.tz_localize(zone, ambiguous=np.zeros(len(local), bool))
    twice = summer != winter  # in the hour the clocks go through twice
    if not twice.any():
        return summer.dt.tz_convert("UTC")
    rest = local[~twice]
    backwards = rest.is_monotonic_decreasing and not rest.is_monotonic_increasing
    one_a_time = not rest.duplicated().any()
    stamps = summer.copy()
    for day, hour in local[twice].groupby(local[twice].dt.date, sort=False):
        runs = hour[::-1] if backwards else hour  # as the clocks ran
        seen = runs.to_numpy()
        steps = np.flatnonzero(seen[1:] <= seen[:-1] if one_a_time else seen[1:] < seen[:-1]) + 1
        if len(steps) > 1 or (not len(steps) and runs.duplicated().any()):
            row_no = runs.index[steps[1]] if len(steps) > 1 else runs.index[runs.duplicated().argmax()]
            raise SeriesError(
                f"{file}: column 'timestamp': {cells[row_no].strip()[:80]!r} on line {row_no} is in the hour "
                f"{zone}'s clocks go through twice on {day}, and the rows' order does not tell which time it is: "
                "write the stamps of that hour with their UTC offset"
            )
        later = runs.index[steps[0] :] if len(steps) else runs.index[:0]
        stamps[later] = winter[later]
    return stamps.dt.tz_convert("UTC")


def _read_csv(file: Path) -> pd.DataFrame:
    """The CSV as text, each row indexed by its line in the file; blank lines and lines of delimiters only (Excel's
    ";;" after a sheet's last row) are no rows."""
    try:  # split as a file drop's `delimiter: auto` splits it: Excel in Poland or the Netherlands saves semicolons
        with csv_text(open(file, "rb"), "utf-8") as fh:  # the one way a CSV export's text is opened
            header, lead = fh.readline(1 << 16), 0
            while header and not header.strip():  # blank lines before the header (pandas skipped them): not it
                header, lead = fh.readline(1 << 16), lead + 1
        sep = csv_delimiter(header)
        # as text: pandas read a Dutch or Polish export's "1.000" (a thousand) as 1.0, a count of 1; no index:
        # rows of one field more than the header (a delimiter at each line's end, an unquoted 1,234) made their
        # first column the index (a traceback)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            raw = pd.read_csv(
                file,
                sep=sep,
                skip_blank_lines=False,
                skiprows=lead,
                dtype=str,
                index_col=False,
                encoding_errors="surrogateescape",  # as csv_text decodes it: bytes not UTF-8 in a column not read
            )
    except FileNotFoundError:
        raise SeriesError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise SeriesError(f"{file}: a folder, not a CSV file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SeriesError(f"{file}: not a readable CSV ({str(exc).splitlines()[0]})") from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):  # fields past the header's, let go
        with csv_text(open(file, "rb"), "utf-8") as fh:
            rows = csv.reader(fh, delimiter=sep)
            width = len(next(r for r in rows if any(c.strip() for c in r)))
            lost = next(((rows.line_num, len(r)) for r in rows if any(c.strip() for c in r[width:])), None)
        if lost is not None:  # not only empty ones: a value would be lost, or the row misread
            raise SeriesError(
                f"{file}: line {lost[0]} has {lost[1]} fields, the header {width}: a delimiter in an unquoted cell "
                "(a count written 1,234?)"
            )
    # each row indexed by its line in the file (the header is line 1), so an error names the line an editor shows
    return raw.set_axis(raw.index + 2 + lead).dropna(how="all")


def _own_grid(text: pd.Series, stamps: pd.Series, freq: str) -> pd.Timedelta:
    """How far after UTC's the periods of ``freq`` start for these rows (their times in UTC: ``stamps``): where the
    rows lie, when they all lie at one point of UTC's periods (hourly rows at 07:30, 08:30 UTC: 30 minutes; rows an
    export counted by UTC's hours but wrote on its clock, 12:30+05:30, stay on UTC's hours); else where the periods
    of the clock they were written on start (``text``: 5-minute rows at +05:30 summed to its hours, 30 minutes; 15
    at +05:45, whose hours start at 07:15 UTC); else (the rows' clocks differ in it) 0, UTC's periods."""
    utc = stamps.dt.tz_localize(None)
    own = (utc - utc.dt.floor(FREQS[freq])).drop_duplicates()
    if len(own) == 1:
        return own.iloc[0]
    try:  # the times as written: naive, or all at one offset (a zone without daylight saving time)
        wall = pd.to_datetime(text, format="ISO8601")
        wall = wall.dt.tz_localize(None) if wall.dt.tz is not None else wall
    except ValueError:  # offsets that differ (summer and winter time): each cut off (a regex a row: slower)
        cut = text.str.replace(r"([Tt ].*?)\s*" + _ZONE, r"\1", regex=True)
        wall = pd.to_datetime(cut, format="ISO8601", errors="coerce")
    period = pd.Timedelta(pd.tseries.frequencies.to_offset(FREQS[freq]))
    # the clock's periods start where its own do: UTC minus the offset, 15 minutes past UTC's hours at +05:45 (not 45)
    phases = ((utc - wall) % period).drop_duplicates()
    return phases.iloc[0] if len(phases) == 1 and pd.notna(phases.iloc[0]) else pd.Timedelta(0)


def _phase(periods: pd.Series, freq: str) -> pd.Timedelta:
    """How far after UTC's periods of ``freq`` :func:`read_series`' ``periods`` start (:func:`_own_grid`)."""
    first = periods.min()
    return first - first.floor(FREQS[freq]) if len(periods) else pd.Timedelta(0)


def _stamps(raw: pd.DataFrame, file: Path, freq: str, timezone: str | None) -> pd.Series:
    """Each row's period start (UTC), refusing rows whose spacing says another ``freq`` was meant."""
    # as text, each cell on its own: the first that is none is named with its line (a number is not an epoch)
    stamps = pd.to_datetime(raw["timestamp"].astype("string"), utc=True, format="ISO8601", errors="coerce")
    if stamps.isna().any():
        row_no = stamps.isna().idxmax()
        cell = raw["timestamp"][row_no]
        if pd.isna(cell):
            raise SeriesError(f"{file}: column 'timestamp': empty timestamp on line {row_no}")
        raise SeriesError(
            f"{file}: column 'timestamp': {str(cell)[:80]!r} on line {row_no} is not an ISO-8601 timestamp "
            "(2026-10-13T09:00:00Z, 2026-10-13 11:00+02:00 or 2026-10-13; no offset: --timezone's clock, else UTC)"
        )
    if timezone is not None:  # a local-time export: its naive stamps on the clock it was written on, not UTC
        naive = ~raw["timestamp"].astype("string").str.strip().str.contains(_OFFSET)
        if naive.any():
            stamps[naive] = _on_clock(raw["timestamp"][naive].astype("string"), timezone, file)
    spacing = stamps.sort_values().diff() if freq != "day" else None
    step = spacing[spacing > pd.Timedelta(0)].min() if spacing is not None else pd.NaT  # NaT: at most one time
    apart = step >= pd.Timedelta(hours=23)
    # a day's rows, not a sparse hour's: each at midnight on its own clock (a daily export with its offset,
    # 2026-01-05T00:00:00+01:00, is at 23:00 UTC; the day clocks go forward is 23 hours long)
    written = [pd.Timestamp(t) for t in raw["timestamp"].astype("string")] if apart or freq == "day" else []
    days = bool(written) and all(t == t.floor("D") for t in written)
    if apart and days:
        raise SeriesError(
            f"{file}: the rows are a day or more apart (daily data?): give --freq day; --freq {freq} would read each "
            f"row as one busy {'hour' if freq == 'hour' else '5 minutes'} and the rest of its day as empty"
        )
    # rows of 10 minutes or more, each a whole step from the first (an hourly export, a 30-minute series) at --freq
    # 5min, on the times as written: each row one busy 5 minutes and the rest of its step empty, which hour-of-week
    # slots (shared by an hour's twelve periods) cannot learn: a steady hourly series raised a volume_spike most days
    if (
        freq == "5min"
        and step >= pd.Timedelta(minutes=10)
        and ((stamps - stamps.min()) % step).eq(pd.Timedelta(0)).all()
    ):
        minutes = int(step / pd.Timedelta(minutes=1))
        raise SeriesError(
            f"{file}: the rows are {minutes} minutes or more apart: give --freq hour; --freq 5min would read each row "
            f"as one busy 5 minutes and the rest of its {minutes} minutes as empty"
        )
    if freq == "day" and days:  # each the day it names, not the UTC day before it (23:00 UTC for +01:00)
        stamps = pd.Series(pd.to_datetime([t.date() for t in written]).tz_localize("UTC"), index=raw.index)
    # the rows' periods (_own_grid): hourly rows at 13:00+05:30 are the hour 07:30-08:30 UTC, not 07:00
    phase = pd.Timedelta(0) if freq == "day" else _own_grid(raw["timestamp"].astype("string").str.strip(), stamps, freq)
    periods = (stamps - phase).dt.floor(FREQS[freq]) + phase
    # at --freq day, three days or more and no two of them consecutive (a weekly or monthly export): each row one
    # busy day and the rest of its week empty, 4 days with counts in a 28-day baseline that needs 14: no day was
    # tested, and a week of twice the negatives said "0 flagged" without a word
    if freq == "day":
        gaps = periods.drop_duplicates().sort_values().diff().dropna()
        if len(gaps) >= 2 and gaps.min() >= pd.Timedelta(days=2):
            raise SeriesError(
                f"{file}: no two rows are on consecutive days: they are {gaps.min().days} days or more apart (weekly "
                "or monthly data?): --freq day would read each row as one busy day and the days between as empty, and "
                "no detector reads a coarser period: give daily rows"
            )
    return periods


def _counts(cells: pd.Series, file: Path, col: str) -> pd.Series:
    """A count column as int64: digits alone as they are, the rest as a file drop reads a count."""
    plain = cells.str.fullmatch(r"\s*[0-9]{1,15}\s*", na=False)  # digits alone, under 1e15: a count as written
    numbers, read = pd.to_numeric(cells.where(plain), errors="coerce"), {}
    for row_no, cell in cells[~plain].items():  # the rest as a file drop reads a count: "1.000" is ambiguous
        # a count a file drop reads as 0 (blank, or spaces only): here the export is cut or misaligned
        if pd.isna(cell) or not cell.strip():
            raise SeriesError(f"{file}: column {col!r}: an empty cell on line {row_no} is not a count")
        try:
            read[row_no] = count(cell, f"{file}: column {col!r}, line {row_no}:", high=MAX_COUNT)
        except Rejected as exc:  # inf, 1e30, True (a flag), 1,5, 1 200: none a count
            raise SeriesError(f"{exc} (a count is a whole number, 0 to 1e15, written without separators)") from None
    if read:  # else all digits alone: int64 as they are
        numbers[list(read)] = list(read.values())
    return numbers.astype("int64")


def read_series(
    file: Path, freq: str = "hour", value: str | None = None, negative: str | None = None, timezone: str | None = None
) -> pd.DataFrame:
    """``file``'s rows summed to ``freq`` (a key of :data:`FREQS`): ``period`` (UTC), ``volume`` (the ``value``
    column; default ``count``, else ``volume``) and, with ``negative``, ``n_negative``. ``timezone``: a valid IANA
    zone, for 5min or hour only (the caller checks both)."""
    raw = _read_csv(file)
    columns = list(raw.columns)
    if value is None:
        value = next((c for c in ("count", "volume") if c in columns), None)
        if value is None:
            raise SeriesError(
                f"{file}: no `count` or `volume` column; name the count column with --value (columns: {columns})"
            )
    for col, what in (("timestamp", "the time column"), (value, "--value"), (negative, "--negative")):
        if col is not None and col not in columns:
            raise SeriesError(f"{file}: no column {col!r} ({what}); columns: {', '.join(map(str, columns))}")
    frame = pd.DataFrame({"period": _stamps(raw, file, freq, timezone)})
    for name, col in {"volume": value, **({"n_negative": negative} if negative else {})}.items():
        frame[name] = _counts(raw[col], file, col)
    if negative is not None and (over := frame["n_negative"] > frame["volume"]).any():
        row_no = over.idxmax()
        neg, total = frame["n_negative"][row_no], frame["volume"][row_no]
        raise SeriesError(
            f"{file}: line {row_no}: {neg} negatives ({negative!r}) out of a count of {total} ({value!r})"
        )
    series = frame.groupby("period", as_index=False).sum()
    first, last = series["period"].min(), series["period"].max()
    span = int((last - first) / pd.Timedelta(pd.tseries.frequencies.to_offset(FREQS[freq]))) + 1 if len(series) else 0
    if span > MAX_PERIODS:  # the detector fills every period between the first and the last: gigabytes
        raise SeriesError(
            f"{file}: the rows span {span:,} periods of {freq} ({first:%Y-%m-%d} to {last:%Y-%m-%d}), more than "
            f"{MAX_PERIODS:,}: a mistyped year? Else give a coarser --freq or a shorter stretch"
        )
    return series


def flag_series(
    series: pd.DataFrame, freq: str = "hour", timezone: str | None = None, untested: list | None = None
) -> pd.DataFrame:
    """The flagged windows of :func:`read_series`'s ``series`` (:data:`COLUMNS`; ``start``, ``end`` as UTC
    timestamps): the nightly detector's ``spike`` for ``day`` (which needs ``n_negative``), the intraday one's
    ``hourly_spike`` and ``volume_spike`` for 5min and hour (``volume_spike`` alone without ``n_negative``).
    ``untested``: a list that gets the start (UTC) of each period with a count that had no baseline to be tested
    against (the first two weeks', and those after a gap of weeks)."""
    rows, skipped = [], []
    if freq == "day":
        daily = series.rename(columns={"period": "day"})
        daily["day"] = daily["day"].dt.date
        for s in detect_spikes(daily, untested=skipped):
            start = pd.Timestamp(s.day, tz="UTC") - pd.Timedelta(days=s.window - 1)
            end = pd.Timestamp(s.day, tz="UTC") + pd.Timedelta(days=1)
            row = (s.window_observed, s.window_expected, s.window_z, s.p_count, s.p_share, "spike", s.window)
            rows.append((start, end, *row))  # the window's figures, as the hourly rows
    else:
        # the detector counts UTC's periods: the rows' own (30 minutes after them at +05:30) shifted onto them
        phase = _phase(series["period"], freq)
        hourly = series.rename(columns={"period": "hour"}).assign(hour=series["period"] - phase)
        for s in detect_intraday(hourly, freq=FREQS[freq], timezone=timezone, untested=skipped):
            row = (s.observed, s.expected, s.z, s.p_count, s.p_share, s.kind, s.window)
            rows.append((s.start + phase, s.end + phase, *row))
        skipped = [p + phase for p in skipped]
    if untested is not None:
        untested.extend(pd.Timestamp(p, tz="UTC") if freq == "day" else p for p in skipped)
    return pd.DataFrame(rows, columns=COLUMNS)


def first_testable(series: pd.DataFrame, freq: str = "hour") -> pd.Timestamp | None:
    """The first period a gap-free series starting at ``series``' first can have tested, as the detectors count
    it; None for an empty series."""
    if not len(series):
        return None
    first = series["period"].min()
    if freq == "day":
        return first_tested_day(first)
    phase = _phase(series["period"], freq)  # as flag_series runs the detector: on UTC's periods
    return first_tested(first - phase, FREQS[freq]) + phase

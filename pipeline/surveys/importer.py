"""Read survey exports (Qualtrics, SurveyMonkey, Typeform or any CSV/XLSX) and customer lists, field by field.

Survey rows, rules:

- the response id and the timestamp are required: a row without an id, or whose time cannot be read (or whose
  per-row time zone is unknown), is quarantined whole;
- the brand comes from the source's ``brand``, or from a brand column whose value must be a configured brand id
  or name (case-insensitive); an empty or unknown brand quarantines the row;
- scores are validated one by one: NPS a whole number 0-10, CSAT 1-5, CES 1 to the configured scale
  (``"10 - Extremely likely"`` style answers and the usual CSAT/CES answer labels are read too; a numbered
  answer whose label points the other way, ``"5 - Very dissatisfied"``, is not counted). A score that
  is out of range or not a number is **left empty and quarantined with the reason**, while the row's other
  valid fields still land (one quarantine record per row, naming every bad field);
- an empty score means "not answered" and is not an error;
- a comment is stored with its language, detected as a mention's is (:func:`pipeline.records.detect_language`;
  None when there is no comment or no language is found); in a Qualtrics export, a comment of ``-99`` (its
  optional code for "seen, not answered") is no comment, as an empty cell is; so, in any export, is a comment of
  invisible characters alone (a zero-width space);
- timestamps keep their offset; naive ones take the row's time-zone column, else the zone the export itself
  states (Qualtrics' ImportId row, a "(UTC)" header such as Typeform's), else the source's ``timezone``, else
  UTC.

Raw records kept in quarantine hold only the mapped columns, so e-mail addresses, names and IP addresses that
survey exports carry never reach the warehouse. A mapped customer id is stored only as its keyed hash
(:class:`pipeline.records.Pseudonymiser`, as authors are), and quarantine keeps ``hmac:<hash>`` in its place; an
empty customer id leaves the response unlinked, as does one that Excel saved in scientific notation (``1.23457E+11``:
its digits are lost), quarantined with the reason while the response lands. A file that lacks a required or an
explicitly mapped column, or repeats one, or holds a second header of another layout (exports joined into one
file, their columns in another order), fails its source (``ValueError``), like a broken file drop.

Customer rows: customer id and start date are required (an id in scientific notation, as Excel saves a long one,
quarantines the row: its digits are lost), an unreadable end date or one before the start quarantines the row (one in
the year 9999, or any from 2900 (2999-12-31), or 2100-01-01, or a zero date, 0000-00-00, is the "no end" of ERP
and database exports: an active customer); an unreadable or negative revenue is left empty (quarantined with the
reason) and the customer still lands. Yearly revenue (``revenue_period: year``) is stored per month (/ 12). The
customer id is stored as its keyed hash (the same as a survey's customer id), in quarantine too.
"""

from __future__ import annotations

import csv
import json
import math
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline import records
from pipeline.config import ConfigError
from pipeline.config_surveys import PRESET_TIME_FORMATS, SCORE_FIELDS, CustomerSpec, SurveySpec
from pipeline.records import (
    EXCEL_ID,
    NUMBER,
    PLAUSIBLE_AHEAD,
    TIME,
    UNREADABLE,
    ZONE,
    FileRejects,
    Looks,
    Pseudonymiser,
    Reject,
    Rejected,
    csv_data_rows,
    csv_reader,
    csv_text,
    delimiter_hint,
    described,
    encoding_hint,
    header_cells,
    later_header,
    repeats_header,
    shown,
    time_at,
    withheld,
)
from pipeline.surveys.customers import ALL, Customer
from pipeline.surveys.metrics import ces_normalise
from pipeline.textfold import INVISIBLE, PRESENTATION


@dataclass(frozen=True)
class SurveyResponse:
    source: str
    response_id: str
    brand: str
    responded_at: str  # ISO-8601 in UTC
    touchpoint: str | None = None
    segment: str | None = None
    nps: int | None = None
    csat: int | None = None
    ces: int | None = None
    ces_scale: int | None = None
    ces_lower_is_better: bool | None = None
    ces_norm: float | None = None  # on 1-7, 7 = least effort (metrics.ces_normalise)
    comment: str | None = None
    comment_language: str | None = None  # ISO 639-1, as a mention's language (records.detect_language)
    location: str | None = None
    customer_hash: str | None = None  # keyed hash of the customer id (records.Pseudonymiser); None: unlinked

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


MAX_ID = 512  # characters kept of a response or customer id (a whole-history read compares ids cut alike)

# DuckDB read_json column types for staged responses and customers; the order matches the dataclasses.
RESPONSE_COLUMNS = {
    "source": "VARCHAR",
    "response_id": "VARCHAR",
    "brand": "VARCHAR",
    "responded_at": "TIMESTAMPTZ",
    "touchpoint": "VARCHAR",
    "segment": "VARCHAR",
    "nps": "SMALLINT",
    "csat": "SMALLINT",
    "ces": "SMALLINT",
    "ces_scale": "SMALLINT",
    "ces_lower_is_better": "BOOLEAN",
    "ces_norm": "DOUBLE",
    "comment": "VARCHAR",
    "comment_language": "VARCHAR",
    "location": "VARCHAR",
    "customer_hash": "VARCHAR",
}
CUSTOMER_COLUMNS = {
    "source": "VARCHAR",
    "customer_hash": "VARCHAR",
    "brand": "VARCHAR",
    "segment": "VARCHAR",
    "start_date": "DATE",
    "end_date": "DATE",
    "monthly_revenue": "DOUBLE",
    "location": "VARCHAR",
}

# Answer labels of the standard scales, for exports that write the choice text instead of its number. Qualtrics'
# satisfaction scale runs Extremely / Somewhat / Neither / Somewhat / Extremely: without its ends, every 5 and 1
# was quarantined and the CSAT of the answers left was pulled to the middle. Many 5-point scales say "unsatisfied"
# (Very unsatisfied ... Very satisfied): without it every 1 and 2 was quarantined, and the CSAT of the answers left
# was that of the satisfied ones (100 % where half were not). A label is looked up with its spaces made one (a
# choice text written with a no-break space, "Very\u00a0satisfied", is the same answer).
CSAT_LABELS = {
    "extremely dissatisfied": 1,
    "very dissatisfied": 1,
    "very unsatisfied": 1,
    "dissatisfied": 2,
    "unsatisfied": 2,
    "somewhat dissatisfied": 2,
    "somewhat unsatisfied": 2,
    "neither satisfied nor dissatisfied": 3,
    "neither satisfied nor unsatisfied": 3,
    "neutral": 3,
    "somewhat satisfied": 4,
    "satisfied": 4,
    "very satisfied": 5,
    "extremely satisfied": 5,
}
CES_LABELS = {
    (7, False): {
        "strongly disagree": 1,
        "disagree": 2,
        "somewhat disagree": 3,
        "neither agree nor disagree": 4,
        "somewhat agree": 5,
        "agree": 6,
        "strongly agree": 7,
        # "How easy was it ...?" on seven points; Qualtrics' seven-point scale runs Extremely / Moderately /
        # Slightly / Neither / Slightly / Moderately / Extremely
        "very difficult": 1,
        "extremely difficult": 1,
        "difficult": 2,
        "moderately difficult": 2,
        "somewhat difficult": 3,
        "slightly difficult": 3,
        "neither easy nor difficult": 4,
        "somewhat easy": 5,
        "slightly easy": 5,
        "easy": 6,
        "moderately easy": 6,
        "very easy": 7,
        "extremely easy": 7,
    },
    (7, True): {
        "very low effort": 1,
        "low effort": 2,
        "somewhat low effort": 3,
        "moderate effort": 4,
        "neither low nor high effort": 4,
        "somewhat high effort": 5,
        "high effort": 6,
        "very high effort": 7,
    },
    (5, True): {"very low effort": 1, "low effort": 2, "moderate effort": 3, "high effort": 4, "very high effort": 5},
    (5, False): {
        # "The company made it easy ..." on five points (agreement: the CES 2.0 statement on a 5-point scale;
        # Qualtrics' five-point agreement scale says "Somewhat")
        "strongly disagree": 1,
        "disagree": 2,
        "somewhat disagree": 2,
        "neither agree nor disagree": 3,
        "agree": 4,
        "somewhat agree": 4,
        "strongly agree": 5,
        # "How easy was it ...?" on five points; Qualtrics' runs Extremely / Somewhat / Neither / Somewhat /
        # Extremely: without them, every answer but the middle one was quarantined and its CES was 4 of 7
        "very difficult": 1,
        "extremely difficult": 1,
        "difficult": 2,
        "somewhat difficult": 2,
        "neither easy nor difficult": 3,
        "easy": 4,
        "somewhat easy": 4,
        "very easy": 5,
        "extremely easy": 5,
    },
}
# A label that says how easy or how much effort ("Very easy", "Low effort") means the same whichever way the survey
# numbers its scale: on the other direction of its scale it is that scale's number flipped ("Very easy" is 1 where
# 1 = least effort; it was quarantined as not a number). Agreement labels are not: which way they point depends on
# the statement agreed with.
CES_LABELS = {
    (scale, lower): {
        **{label: scale + 1 - v for label, v in CES_LABELS[(scale, not lower)].items() if "agree" not in label},
        **labels,
    }
    for (scale, lower), labels in CES_LABELS.items()
}
# "10 - Extremely likely": a number, then a label that starts with a letter ("9 - 10", a range, is no answer)
_LABELLED = re.compile(r"^\s*([+-]?\d+(?:\.\d+|,\d{1,2})?)\s*(?:[-–—:=]\s*([^\W\d_].*))?$")  # 9, 9.0, 9,0 (a
# decimal comma: Polish and Dutch exports; not 1,000, a thousands group)
# Which way a known answer label points, whatever number stands beside it: above 0 satisfied or little effort,
# below 0 dissatisfied or much effort (its distance from the scale's middle). A numbered answer whose label points
# the other way from its number on the configured scale ("5 - Very dissatisfied" from a survey that numbers 1 =
# very satisfied; "7 - Very high effort" on a CES where 7 = least effort) is not counted (:func:`_label_against`).
# Agreement labels are left out: which way they point depends on the statement agreed with.
_LABEL_SIDE = {
    "csat": {label: v - 3 for label, v in CSAT_LABELS.items()},
    "ces": {
        label: ces_normalise(v, scale, lower) - 4
        for (scale, lower), labels in CES_LABELS.items()
        for label, v in labels.items()
        if "agree" not in label
    },
}
# What a score cell looks like (records.Looks): a number, an answer label, a number with its label
_ANSWER_LABELS = set(CSAT_LABELS) | {label for labels in CES_LABELS.values() for label in labels}
SCORE = Looks(NUMBER.words, NUMBER.alone | _ANSWER_LABELS, _LABELLED.pattern)
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?$")


# -- reading tables ------------------------------------------------------------------------------------------
def _fmt(path: Path, fmt: str) -> str:
    if fmt != "auto":
        return fmt
    return "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv"


def read_table(
    path: Path, fmt: str = "auto", sheet: str | None = None, row_like=None, delimiter: str = "auto", encoding="utf-8"
) -> tuple[list[str], Iterator, str]:
    """(header, rows, hint): rows yield (location, list of cells, "") or, for an unreadable row, (location,
    Rejected, the row's text: what its reject's key hashes, see records.csv_data_rows). ``row_like(header)``: for
    a CSV, the test :func:`~pipeline.records.csv_data_rows` puts to a line of a multi-line cell before it takes it
    for a row of its own (None: the number of fields alone). A CSV is read in ``encoding`` and split at
    ``delimiter`` (the source's settings); ``hint``: what an error of a header without a mapped column adds
    (:func:`~pipeline.records.delimiter_hint`; an XLSX's is empty)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    xlsx = _fmt(path, fmt) == "xlsx"
    records.check_export(path, text=not xlsx)
    return (*_xlsx(path, sheet), "") if xlsx else _csv(path, row_like, delimiter, encoding)


def _csv(
    path: Path, row_like=None, delimiter: str = "auto", encoding: str = "utf-8"
) -> tuple[list[str], Iterator, str]:
    fh = csv_text(path.open("rb"), encoding)
    reader, lines = csv_reader(fh, path, delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        fh.close()
        raise ValueError(f"{path}: no header row") from None
    except csv.Error as exc:
        fh.close()
        raise ValueError(f"{path}: unreadable CSV header: {exc}") from None

    like = row_like(header) if row_like else None
    hint = delimiter_hint(lines.taken[0], reader.dialect.delimiter, "the source's delimiter") + encoding_hint(
        header, lines.encoding, "the source's encoding"
    )

    def rows():
        with fh:
            for location, cells, problem, text in csv_data_rows(reader, lines, path, len(header), row_like=like):
                if problem and cells is not None and repeats_header(cells, header):  # padded: the readers skip it
                    problem = None
                yield location, Rejected(problem) if problem else cells, text

    return header, rows(), hint


# An .xlsx is a zip: one whose parts unpack to more than this is refused before openpyxl reads it (a 1 MB file of
# repeated shared strings unpacked to 1 GiB and took 2 GB of memory). A million-row customer list is ~400 MiB.
MAX_XLSX_UNPACKED = 512 << 20
# Its styles part (xl/styles.xml, where openpyxl reads it) apart: openpyxl builds it whole into objects before a
# row is read: a 200 KB file of 64 MiB of cell formats took 21 s and 1 GiB of memory, linearly (512 MiB, under the
# workbook's bound: about 3 minutes and 8 GiB). Excel's most, 64,000 cell formats, fit in a few MiB.
MAX_XLSX_STYLES = 32 << 20


def _xlsx(path: Path, sheet: str | None) -> tuple[list[str], Iterator]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise ValueError(f"{path}: reading .xlsx needs openpyxl (pip install openpyxl)") from None
    try:  # its parts' unpacked size first, from the zip's directory: openpyxl would unpack them to find out
        with zipfile.ZipFile(path) as z:
            unpacked = sum(info.file_size for info in z.infolist())
            styles = sum(info.file_size for info in z.infolist() if info.filename == "xl/styles.xml")
        too_big = unpacked > MAX_XLSX_UNPACKED or styles > MAX_XLSX_STYLES
        book = None if too_big else openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ValueError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    if book is None:
        part, size, most = ("workbook", unpacked, MAX_XLSX_UNPACKED)
        if unpacked <= MAX_XLSX_UNPACKED:
            part, size, most = ("workbook's styles part (cell formats)", styles, MAX_XLSX_STYLES)
        raise ValueError(
            f"{path}: the {part} unpacks to {size / 2**20:,.0f} MiB, more than {most >> 20:,} MiB; export it as CSV"
        )
    cells = [w.title for w in book.worksheets]  # not its chart sheets, which hold no cells to read
    if not cells or (sheet is not None and sheet not in cells):
        book.close()
        wanted = "sheet" if sheet is None else f"sheet {sheet!r}"
        raise ValueError(f"{path}: no {wanted} of cells (it has {', '.join(cells) or 'chart sheets only'})")
    ws = book[sheet] if sheet else book.worksheets[0]
    # the sheet's rows as its XML holds them, not as far as its <dimension> says: read-only openpyxl stops there,
    # and a writer that leaves it stale (A1:C2 over 100 rows) had the rest of the export dropped without a word
    ws.reset_dimensions()
    try:
        header = ["" if h.value is None else str(h.value).strip() for h in next(ws.iter_rows(max_row=1))]
    except StopIteration:
        book.close()
        raise ValueError(f"{path}: sheet {ws.title!r} is empty") from None
    while header and header[-1] == "":
        header.pop()
    if not header:
        book.close()
        raise ValueError(f"{path}: sheet {ws.title!r} has an empty header row")
    # as wide as the header, not as the sheet says it is: a sheet claiming columns to XFD made every row 16,384
    # cells (a 5 KB file took half an hour)
    it = ws.iter_rows(min_row=2, max_col=len(header))

    def rows():
        number, formulas = 1, None
        try:
            formulas = _formula_rows(path, ws, len(header))
            for number, row in enumerate(it, 2):
                values = [_xlsx_value(c) for c in row]
                for i, cell in enumerate(next(formulas[1], ()) if formulas else ()):
                    # a formula read as None: unsaved, unless saved as "" (=IF(A2="","",A2): t="str", an empty <v>)
                    if i < len(values) and values[i] is None and getattr(cell, "data_type", None) == "f":
                        if getattr(row[i], "data_type", None) != "str":
                            values[i] = Unsaved()
                cells = list(values[: len(header)]) + [None] * (len(header) - len(values))
                if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                    continue
                yield f"{path}[{ws.title}]:{number}", ["" if c is None else c for c in cells], ""
        except Exception as exc:  # the sheet's XML is read row by row: a corrupt or cut part fails here, not at
            # load_workbook (a ParseError or BadZipFile, which would stop the import of every source)
            raise ValueError(
                f"{path}: not a readable .xlsx workbook after row {number} ({type(exc).__name__}: {exc})"
            ) from None
        finally:
            book.close()
            if formulas:
                formulas[0].close()

    return header, rows()


class Unsaved(str):
    """An .xlsx cell holding a formula without a saved value (a file written by a script or library and never
    opened in a spreadsheet): empty to whatever reads it as text; the readers quarantine its row naming the column
    (:func:`unsaved_formulas`), where it read as an empty cell: an NPS unanswered, a revenue none, without a word."""


_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")  # a cell's <f> element, <x:f> where the sheet has a prefix


def _formula_rows(path: Path, ws, width: int):
    """(workbook, its rows from row 2) of ``ws`` read again for its formulas, which read-only openpyxl gives only
    without their saved values; None where the sheet's XML holds no formula (one pass over its bytes)."""
    import openpyxl

    try:
        with ws._get_source() as src:
            tail = b""
            while chunk := src.read(1 << 20):
                if _FORMULA.search(tail + chunk):
                    break
                tail = chunk[-64:]
            else:
                return None
    except AttributeError:  # pragma: no cover - an openpyxl without it: read the formulas
        pass
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    sheet = book[ws.title]
    sheet.reset_dimensions()
    return book, sheet.iter_rows(min_row=2, max_col=width)


def unsaved_formulas(row: dict) -> str | None:
    """The reason a row is quarantined where a mapped cell is an :class:`Unsaved` formula; None where none is."""
    columns = [column for column, value in row.items() if isinstance(value, Unsaved)]
    if not columns:
        return None
    named = ", ".join(columns)
    return (
        f"{'columns' if len(columns) > 1 else 'column'} {named}: a formula with no saved value: open and save the "
        "file in Excel/LibreOffice"
    )


MAX_AMOUNT_CHARS = 64  # no amount, symbol and code included, is longer: a longer cell is not read as one


def _without_currency(raw: str) -> str:
    """``raw`` from its first digit, point, comma or sign to its last digit, point or comma: the symbol or code
    before or after the number gone (``€10``, ``10 EUR``). A scan, not a regex: the regex this replaced took
    30 s on a 64 KB cell ("1", then letters, then "1"), quadratic."""
    start = next((i for i, c in enumerate(raw) if c.isdecimal() or c in ".,+-"), len(raw))
    end = next((i for i in range(len(raw), start, -1) if raw[i - 1].isdecimal() or raw[i - 1] in ".,"), start)
    return raw[start:end]


def _number(raw: str) -> str:
    """:func:`_without_currency`, less the point of an abbreviation written after the number (Danish and Norwegian
    "100 kr.", "1.200,50 kr."): the currency's, as the point of "kr. 100" is, not the number's end."""
    number = _without_currency(raw)
    if number[-1:] == "." and number[-2:-1].isalpha():
        number = _without_currency(number[:-1])
    return number


# symbols of one currency only ($ is also CAD, AUD, ...), zł as written without its diacritic, and the euro's name
# as Dutch, German or English lists write it after the amount ("10 euro", "10 Euro")
_SYMBOLS = {"€": "EUR", "£": "GBP", "ZŁ": "PLN", "ZL": "PLN", "EURO": "EUR", "EUROS": "EUR"}


# the cents of a whole amount written as a dash, as Dutch, German and Polish price lists do ("€ 25,-", "25,– zł"):
# no minus sign (read as a credit, its revenue was quarantined; its "€-" was another currency than "€ 10,00")
_DASHED_CENTS = re.compile(r"(?<=\d)([.,])[-\u2010-\u2014]{1,2}(?!\d)")  # a hyphen or a dash


def _stripped(raw: str) -> str:
    """An amount's text, stripped, its dashed cents (:data:`_DASHED_CENTS`) written as zeros: "€ 25,00"."""
    return _DASHED_CENTS.sub(r"\g<1>00", raw.strip())


def currency(value) -> str | None:
    """The currency written around an amount (``€10``, ``10 EUR``, ``1 200 zł``), upper case, a symbol of one
    currency only as its code (``€`` is ``EUR``); None for a number or text with none."""
    if not isinstance(value, str):
        return None
    raw = _stripped(value)
    number = _number(raw)
    start = raw.find(number) if number else len(raw)
    mark = re.sub(r"\s", "", raw[:start] + raw[start + len(number) :]).upper().rstrip(".")  # "100 kr.": KR
    return _SYMBOLS.get(mark, mark) or None


_GROUPED = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.,']\d{3})+")  # digits in groups of three: "1,200", "1 200 300"
# a word after the number that multiplies it ("10k", "10 k€", "$1.2bn", "2 mln zł", "1,5 Mio. €", "10 tys. zł",
# Swedish "10 tkr"): no currency, and the number alone was read (10k of revenue as 10). Never one before it: there
# "K", "B$", "T$" or "M" is a currency's symbol (Zambian kwacha, Brunei dollar, paʻanga, loti)
_MAGNITUDE = re.compile(
    r"(?<![^\W\d_])(?:k|t|m|mm|mn|mln|mio|mld|mrd|bn|b|tys|tsd|tkr|mkr|lakhs?|lacs?|crores?|cr|thousands?|millions?"
    r"|billions?)(?![^\W\d_])",
    re.IGNORECASE,
)


def amount(value) -> float:
    """An amount of money from an export: a number, or text with a currency symbol or code around it and the
    separators of any locale: ``1,200.00``, ``1.200,00``, ``1 200,50``, ``1'200.50``, ``12,50``, ``€10``,
    ``10 EUR``. A single separator followed by three digits (``1,200``, ``1.200``) is a thousands separator in one
    locale and a decimal point in another: refused as ambiguous, as is a number with a word that multiplies it
    (``10k``, ``2 mln zł``). Raises ValueError (its message ends the reason) unless a finite amount ≥ 0."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an .xlsx number cell of hundreds of digits, which openpyxl reads as an int
            raise ValueError("") from None
    else:
        raw = _stripped(str(value))
        if len(raw) > MAX_AMOUNT_CHARS:
            raise ValueError(f": {len(raw):,} characters, not an amount")
        if raw.startswith("(") or raw.endswith("-") or "-" in raw.lstrip("-"):  # (10), 10-: a credit, as accounting
            raise ValueError(": a minus sign or brackets, a credit?")  # and SAP write one; not +10
        number = _number(raw)
        at = raw.find(number)
        if number and (magnitude := _MAGNITUDE.search(raw[at + len(number) :])):
            raise ValueError(f": {magnitude.group()!r} multiplies the number (a thousand, a million?); write it out")
        # a Swiss list's thousands apostrophe ("CHF 1'200.50", "1’200") is a group separator, as a space is: left in,
        # the number was no number, its revenue quarantined
        text = re.sub("[\u00a0\u202f'\u2019]", " ", number)
        abbreviated = raw[:at][-1:].isalpha()  # "kr.100", "Rs.1,200": the point follows letters
        if text[:1] in ".," and (abbreviated or not text[1:2].isdecimal()):  # the point of "kr. 100", "Rs. 1,200":
            text = text[1:].strip()  # no decimal mark (".100" read 100 kroner as 0.1)
        marks = [c for c in text if c in ".,"]
        if len(set(marks)) == 2:  # both: the last one is the decimal mark
            decimal = marks[-1]
            whole, _, cents = text.rpartition(decimal)
            text = re.sub(r"[ .,']", "", whole) + "." + cents
        elif marks and _GROUPED.fullmatch(text):  # groups of three: 1,200,300 or 1 200,300
            if len(marks) == 1 and " " not in text:  # 1,200: a thousand, or 1.2
                raise ValueError(f": {text!r} could be {text.replace(marks[0], '')} or {text.replace(marks[0], '.')}")
            text = re.sub(r"[ .,']", "", text)
        elif marks == [","]:
            text = text.replace(",", ".")  # 12,50
        try:
            number = float(text.replace(" ", ""))
        except ValueError:
            raise ValueError("") from None
    if number < 0:  # -10, or a negative number cell: the same hint as for (10) and EUR -10
        raise ValueError(": a minus sign or brackets, a credit?")
    if not math.isfinite(number):
        raise ValueError("")
    return number


_LITERAL = re.compile(r'"[^"]*"|\[(?![hms]+\])[^\]]*\]|\\.')  # quoted text, [$-409] and [Red] parts (not the
# elapsed time of [h]:mm), escaped characters


_ZEROS = re.compile(r"00+")  # a number format of zeros only: digits padded with leading zeros


def _xlsx_value(cell):
    """A cell's value; a cell formatted as a date without a time of day (``dd/mm/yyyy``) is a ``date``: openpyxl
    reads it as midnight, which a source's time zone east of UTC put on the day before (2026-03-02 became
    2026-03-01 23:00 UTC in Warsaw), where the same date written as text stays that day. A whole number formatted
    with leading zeros (``00000``) is the text it shows (``00123``), as Excel saves it as CSV."""
    value = cell.value
    whole = isinstance(value, int) and not isinstance(value, bool)
    if (whole or (isinstance(value, float) and value.is_integer())) and value >= 0:
        # a number shown with leading zeros (format 00000: the id 00123, as Excel shows it and saves it as CSV),
        # as shown: read as 123, it was another customer id than the CRM's "00123", its answers unlinked
        digits = _ZEROS.fullmatch(_LITERAL.sub("", str(getattr(cell, "number_format", "") or "")))
        if digits:
            return str(int(value)).zfill(len(digits.group()))
    if isinstance(value, datetime) and value.time() == time(0) and getattr(cell, "is_date", False):
        fmt = _LITERAL.sub("", str(getattr(cell, "number_format", "") or "")).lower()
        if "h" not in fmt and "s" not in fmt:
            return value.date()
    return value


# A preset's pattern is searched in a header's first this many characters: question texts are shorter, and a
# pattern such as SurveyMonkey's "how likely (is it|are you) .*recommend" took minutes over a 500 KB header cell
MAX_HEADER_MATCH = 1_000


def _match(candidates: tuple[str | re.Pattern, ...], header: list[str], taken: set[str]) -> str | None:
    for cand in candidates:
        if isinstance(cand, re.Pattern):  # a preset's (SurveySpec.candidates); a name in the config is exact
            for h in header:
                if h not in taken and cand.search(h[:MAX_HEADER_MATCH]):
                    return h
        elif cand in header and cand not in taken:
            return cand
    return None


def _quoted(cell: str) -> str:
    """A header cell as an error lists it: its ``repr``, with a byte that is not of the file's encoding (a
    surrogate escape, ``\\udca3``) as ``\\xa3``, as :func:`~pipeline.records.encoding_hint` says it is shown."""
    return re.sub(r"\\udc([89a-f][0-9a-f])", r"\\x\1", repr(cell))


def _resolve(
    path: Path,
    header: list[str],
    fields: dict[str, tuple[str, ...]],
    required,
    explicit,
    hint: str = "",
    not_guessed: dict[str, set[str]] | None = None,
) -> dict:
    """Field -> header name. Required or explicitly mapped fields must be there, and only once (``hint``: what a
    missing one's error adds, :func:`read_table`). Explicitly mapped fields take their columns first: a preset's
    guess for another field (Qualtrics' csat: Q2) never takes the column the config names (comment: Q2).
    ``not_guessed``: per field, headers a preset's guess for it passes over (an explicit mapping does not)."""
    mapping, taken = {}, set()
    for name in sorted(fields, key=lambda f: f not in explicit):
        candidates = fields[name]
        passed_over = set() if name in explicit else (not_guessed or {}).get(name, set())
        col = _match(candidates, header, taken | passed_over)
        if col is None:
            if name in explicit and candidates[0] in taken:
                other = next(f for f, c in mapping.items() if c == candidates[0])
                raise ValueError(f"{path}: column {candidates[0]!r} is mapped to both {other} and {name}")
            if name in required or name in explicit:
                raise ValueError(
                    f"{path}: the header lacks the column for {name} ({' or '.join(candidates) or 'not mapped'}); "
                    f"it has {header_cells(header, quote=_quoted)}{hint}"
                )
            continue
        if header.count(col) > 1:
            raise ValueError(f"{path}: the header repeats column {col!r} (mapped to {name})")
        mapping[name] = col
        taken.add(col)
    return {name: mapping[name] for name in fields if name in mapping}


def _answer_like(src: SurveySpec, header: list[str], path: Path):
    """Whether a CSV line has a readable timestamp in the mapped column: a line of a multi-line comment with the
    header's number of commas is not an answer of its own (:func:`pipeline.records.csv_data_rows`). None when
    the header maps no timestamp (``survey_columns`` says so when the rows are read)."""
    try:
        column = survey_columns(src, header, path)["timestamp"]
    except Exception:  # the rows' reader raises it, with the file open no longer
        return None
    formats = PRESET_TIME_FORMATS[src.preset]
    return time_at(header.index(column), lambda v: parse_timestamp(v, UTC, formats, first=src.timestamp_format))


# a rating's question, whatever request it opens with ("Please tell us how satisfied you are ...", Typeform's "Tell
# us how likely you are to recommend ..."): no open question, though the comment patterns' "tell us" matches it
_RATING = re.compile(r"\bhow (likely|satisfied|dissatisfied|easy|difficult|much effort)\b", re.IGNORECASE)


def survey_columns(source: SurveySpec, header: list[str], path: Path | str = "", hint: str = "") -> dict[str, str]:
    """Which header each survey field is read from, for this source and header (raises if one is missing, adding
    ``hint``: :func:`read_table`)."""
    order = (
        "response_id",
        "timestamp",
        "brand",
        "timezone",
        "nps",
        "csat",
        "ces",
        "comment",
        "touchpoint",
        "segment",
        "customer_id",
    )
    fields = {f: source.candidates(f) for f in order}
    explicit = {f for f in order if source.explicit(f)}
    # a header that reads as an open question by the preset's comment patterns ("What could we do to make it
    # easier?", "What could we do to improve your satisfaction?") is no score's guess: the CES pattern (easier) took
    # the comment column, every comment quarantined as a CES that is not a number and none stored or scored
    opened = [c for c in source.preset_candidates("comment") if isinstance(c, re.Pattern)]
    open_questions = {
        h
        for h in header
        if any(c.search(h[:MAX_HEADER_MATCH]) for c in opened) and not _RATING.search(h[:MAX_HEADER_MATCH])
    }
    # a question text the header repeats (SurveyMonkey's and Typeform's "Please tell us why." after each rating) is
    # no guess of an optional field's: it cannot say which of its columns is meant, and the file failed as if the
    # config had mapped it, no answer landing; a score's guess still fails the file rather than read either
    repeated = {h for h, count in Counter(header).items() if count > 1}
    not_guessed = {
        **dict.fromkeys(SCORE_FIELDS, open_questions),
        **dict.fromkeys(("comment", "touchpoint", "segment", "customer_id"), repeated),
    }
    mapping = _resolve(Path(path), header, fields, {"response_id", "timestamp"}, explicit, hint, not_guessed)
    if not {"nps", "csat", "ces"} & mapping.keys():
        raise ValueError(f"{path}: no NPS, CSAT or CES column found (preset {source.preset}); map one in columns{hint}")
    return mapping


# -- values --------------------------------------------------------------------------------------------------
def _text(value) -> str | None:
    """A cell as text (:func:`pipeline.records.text`), stripped; a whole-number float from XLSX as an integer."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = records.text(value)
    return out.strip() if out else None


def _label(value, what: str, column: str | None) -> tuple[str | None, str | None]:
    """A touchpoint or segment cell as ``(label, problem)``: the metrics' all-touchpoints and all-segments rows
    are named ``_all``, so a label of that name (any case) would be counted in them twice; it is left empty, with
    the problem for the row's reject."""
    label = _text(value)
    if label is not None and label.casefold() == ALL:
        return None, f"{what} {label!r} (column {column}) is the name of the all-{what}s total; rename it"
    return label, None


def zone(name: str) -> timezone | ZoneInfo:
    """An IANA zone name, a UTC offset (+02:00, -0530, UTC+1) or ``Z`` (UTC: the ``timeZone`` of the ImportId row
    of a Qualtrics export in UTC, which an IANA name only would pass over for the source's ``timezone``)."""
    if name.strip() in ("Z", "z"):
        return UTC
    m = _OFFSET.match(name.strip())
    if m:
        sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3) or 0)
        if hours > 14 or minutes > 59:
            raise ValueError(name)
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones ("America"), a long name
        raise ValueError(name) from None


def parse_timestamp(
    value, tz, formats: tuple[str, ...] = (), what: str = "timestamp", first: str | None = None
) -> datetime:
    """An aware datetime in UTC (:func:`pipeline.records.parse_utc`): ``first`` (a strptime format), then
    ISO-8601, then ``formats``; naive values are read in ``tz``. Raises Rejected when unreadable."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return records.parse_utc(value, what, tz=tz, formats=formats, first=first, unix=False, noun=None)
    except Rejected as exc:
        raise Rejected(f"{exc}{_excel_serial(value)}") from None


# Excel's day numbers of 1970-01-01 and 2100-01-01 (its 1900 date system: day 1 is 1900-01-01, counted from
# 1899-12-30 past its phantom 1900-02-29), the range an import reads
_SERIAL_EPOCH = date(1899, 12, 30)
_SERIALS = range((records.EARLIEST.date() - _SERIAL_EPOCH).days, (records.LATEST.date() - _SERIAL_EPOCH).days)
_SERIAL_TEXT = re.compile(r"\s*(\d{5})(?:[.,]\d+)?\s*")


def _excel_serial(value) -> str:
    """What an unreadable date or time adds when it is a spreadsheet's day number (``45890``, ``45890.5``: a date
    column formatted as General, or saved so to CSV), else "": the date it stands for, and what to change, where the
    number alone said nothing of why every row of the column was quarantined."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        day = math.floor(value) if math.isfinite(value) else None
    else:
        m = _SERIAL_TEXT.fullmatch(_text(value) or "")
        day = int(m.group(1)) if m else None
    if day not in _SERIALS:
        return ""
    return (
        f": a spreadsheet's day number ({_SERIAL_EPOCH + timedelta(days=day)} in Excel's 1900 date system)? Format "
        "the column as a date before exporting"
    )


def parse_score(value, what: str, low: int, high: int, labels: dict[str, int] | None = None) -> int | None:
    """A whole-number answer in [low, high]; None when empty; Rejected with the reason otherwise."""
    if isinstance(value, bool):
        raise Rejected(f"{what} {value!r} is not a number")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an .xlsx number cell of hundreds of digits, which openpyxl reads as an int
            raise Rejected(f"{what} {shown(value, SCORE)} is outside {low}-{high}") from None
        quoted = repr(value)
    else:
        text = _text(value)
        if text is None:
            return None
        quoted = shown(text, SCORE)  # a name shifted under the score's column is described, not quoted
        if labels and (key := " ".join(text.split()).lower()) in labels:
            return labels[key]
        m = _LABELLED.match(text)
        if not m:
            raise Rejected(f"{what} {quoted} is not a number")
        number = float(m.group(1).replace(",", "."))
    if not math.isfinite(number):
        raise Rejected(f"{what} {quoted} is not a number")
    if not number.is_integer():
        raise Rejected(f"{what} {quoted} is not a whole number")
    if not low <= number <= high:
        raise Rejected(f"{what} {quoted} is outside {low}-{high}")
    return int(number)


def _reject(rejects: FileRejects, brand: str, source: str, reason: str, row: dict, location: str, typed) -> Reject:
    """The reject of a row: its mapped columns (``row``), in which a text cell of a ``typed`` column (column:
    records.Looks) that does not look like one is described, not kept (records.withheld: in a row whose shifts
    cancel out, an unmapped cell such as a name or an e-mail address can lie under a mapped column); keyed by
    them as they were, so the row keeps the key it had before 0017."""
    raw = records.raw_json(withheld(row, typed))
    return rejects(brand, source, reason, raw, location, content=records.raw_json(row))


def _by_brand_id(rejects: list[Reject], known: dict[str, str] | None, brand: str | None) -> list[Reject]:
    """``rejects`` of a file with a brand column, each under the id of the brand its cell names (``Acme``, ``ACME``:
    ``acme``, as its response or customer lands), so a brand's quarantine rows are counted as its; a cell that names
    no configured brand stays as written. Their keys stay those of the cell as written (as quarantined before)."""
    if brand is not None or not known:
        return rejects
    return [replace(r, brand=known.get(r.brand.lower(), r.brand)) for r in rejects]


def _customer_hash(row: dict, column: str | None, pseudonymise) -> str | None:
    """The keyed hash of the row's customer id (None when empty); the row's cell becomes ``hmac:<hash>``, so the
    raw record quarantine may keep never holds the id."""
    if column is None:
        return None
    customer_id = _text(row.get(column))
    if customer_id is None:
        return None
    hashed = pseudonymise(customer_id[:MAX_ID])
    row[column] = f"hmac:{hashed}"
    return hashed


# Excel keeps 15 significant digits of a number: an .xlsx number cell of 16 digits or more (a 19-digit Zoho CRM id
# typed or pasted, or a CSV opened and saved as .xlsx) is saved rounded, 4.15086800000022E+18, which openpyxl reads as
# a float
_EXCEL_DIGITS = 10**15


def _excel_customer_id(row: dict, column: str | None, use: str) -> str | None:
    """The problem of a customer id cell that Excel saved in scientific notation (``1.23457E+11``: records.EXCEL_ID;
    in an .xlsx, a number cell of 16 digits or more, :data:`_EXCEL_DIGITS`), else None: its digits are gone, so every
    customer whose id rounds alike had one keyed hash (their churn, CLV and answers merged into one customer's). Not
    quoted: a customer id is never written in clear."""
    value = row.get(column) if column is not None else None
    rounded = isinstance(value, float) and abs(value) >= _EXCEL_DIGITS
    if column is None or not (rounded or EXCEL_ID.fullmatch(_text(value) or "")):
        return None
    return (
        f"customer id (column {column}) is a number in scientific notation, as Excel saves a long id: its digits "
        f"are lost, so it cannot tell this customer from others; use {use}, or save the column as text"
    )


def _brands(config) -> dict[str, str] | None:
    """Lower-cased brand id and name -> brand id, from the main config (None: accept any id)."""
    brands = getattr(config, "brands", None)
    if not brands:
        return None
    out = {}
    for b in brands:
        out[b.name.strip().lower()] = b.key
        out[b.key.lower()] = b.key
    return out


def _check_brand(config, key: str, where: str) -> None:
    known = _brands(config)
    if known is not None and key not in known.values():
        raise ConfigError(
            f"{getattr(config, 'source_file', 'config')}: {where}: no brand with id {key!r} "
            f"(known: {', '.join(sorted(set(known.values())))})"
        )


def _row_brand(value, known: dict[str, str] | None, column: str) -> str:
    text = _text(value)
    if text is None:
        raise Rejected(f"brand (column {column}) is empty")
    if known is None:
        return text
    key = known.get(text.lower())
    if key is None:
        raise Rejected(f"brand {described(text)} (column {column}) is not a configured brand")
    return key


_QUESTION_ROW_IDS = {"response id", "respondent id", "responseid"}


def _header_echo(cells: list, mapping: dict, header: list[str]) -> bool:
    """A second or third header row: Qualtrics' question-text and ImportId rows, SurveyMonkey's sub-header."""
    values = dict(zip(header, cells, strict=False))
    rid = _text(values.get(mapping["response_id"])) or ""
    if rid.startswith('{"ImportId"') or rid.lower() in _QUESTION_ROW_IDS:
        return True
    return not rid and any(_text(c) in ("Response", "Open-Ended Response") for c in cells)


def _declared_zone(cells: list, mapping: dict, header: list[str]) -> str | None:
    """The timeZone of Qualtrics' ImportId row for the timestamp column, as written, if there is one."""
    values = dict(zip(header, cells, strict=False))
    try:
        meta = json.loads(_text(values.get(mapping["timestamp"])) or "")
    except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: "[[[[..." past Python's stack
        return None
    found = meta.get("timeZone") if isinstance(meta, dict) else None
    return found if isinstance(found, str) and found.strip() else None


# -- surveys -------------------------------------------------------------------------------------------------
# Qualtrics' ``Status`` (Response Type) of rows that are not answers: a survey preview, a test response, spam.
# Codes as exported with choice values (0 IP Address, 1 Survey Preview, 2 Survey Test, 4 Imported, 8 Spam, 9
# Preview Spam, 12 Imported Spam, 16 Offline, 17 Offline Survey Preview); labels as exported with choice text.
QUALTRICS_NOT_ANSWERS = {"1", "2", "8", "9", "12", "17"}
_NOT_ANSWER_WORDS = ("preview", "test", "spam")
# Qualtrics' Status labels, the values of the Status column a reason quotes (records.Looks; codes are digits)
_STATUS = Looks(
    alone=frozenset(
        {"survey preview", "survey test", "spam", "preview spam", "imported spam", "offline survey preview"}
    )
)


# invisible characters (textfold's): a comment of them alone is no comment, as an empty cell is (it was listed in
# v_survey_comments as a neutral comment, note "empty")
_UNSEEN = dict.fromkeys(map(ord, INVISIBLE + PRESENTATION))

# Qualtrics' optional recode of a question seen but not answered: an open-text cell of it is no comment
QUALTRICS_SEEN_NOT_ANSWERED = "-99"


def _qualtrics_not_an_answer(status: object) -> str | None:
    """The ``Status`` of a Qualtrics row that is a preview, a test or spam, else None."""
    value = _text(status)
    if value is not None and (value in QUALTRICS_NOT_ANSWERS or any(w in value.lower() for w in _NOT_ANSWER_WORDS)):
        return value
    return None


# Typeform's ``Response Type`` of a row that is not an answer: a partial response, never submitted (its Submit Date
# is empty), which the results' CSV holds when partial responses are shown
_TYPEFORM_PARTIAL = Looks(alone=frozenset({"partial"}))


def read_survey_file(
    config, survey_source: SurveySpec, path, info: dict | None = None
) -> tuple[list[SurveyResponse], list[Reject]]:
    """Every response of one export that can land, and a :class:`Reject` per row that was (partly) quarantined.

    ``config`` is the main config (its brands check brand ids and names; may be None); ``path`` a file;
    ``info``, when given, receives ``columns``: which header each field was read from, ``present``: the id of
    every row that is an answer (landed or quarantined; not a Qualtrics preview, test or spam row), and
    ``unidentified``: how many rows had no readable id (an unreadable row, an empty id cell, one in scientific
    notation), and
    ``repeated_headers``: rows that are the header again (exports joined into one file: skipped). Together they
    tell which responses a whole-history export no longer has (:func:`pipeline.surveys.ingest.import_surveys`).
    ``not_answers``: the ids (keys, in the order read) of Qualtrics preview, test or spam rows not followed by an
    answer row of the same id: a copy imported before as an answer leaves the warehouse.
    ``unread_zones``: a Qualtrics ImportId row's ``timeZone`` that is no time zone, and the zone its timestamps
    were read in instead (the header's, the source's ``timezone``, else UTC), when there was one. ``ces_answers``
    and ``ces_above_5``: how many CES cells are a number 1-7, and how many of them 6 or 7, whatever the source's
    ``ces.scale`` (:func:`_count_scale`); ``csat_answers`` and ``csat_off_scale``: how many CSAT cells are a number
    0-10, and how many of them 0 or above 5.
    """
    src, path = survey_source, Path(path)
    if src.brand is not None:
        _check_brand(config, src.brand, f"surveys source {src.name!r} brand")
    header, rows, hint = read_table(
        path, src.format, src.sheet, lambda h: _answer_like(src, h, path), src.delimiter, src.encoding
    )
    mapping = survey_columns(src, header, path, hint)
    info = {} if info is None else info
    info["columns"] = dict(mapping)
    known = _brands(config)
    pseudonymise = Pseudonymiser(config) if "customer_id" in mapping else None
    declared = None
    if "(utc)" in mapping["timestamp"].lower():
        declared = UTC
    tz_default = zone(src.timezone) if src.timezone else None
    ces_labels = CES_LABELS.get((src.ces.scale, src.ces.lower_is_better))
    present = info.setdefault("present", [])  # one source's files share one info
    not_answers = info.setdefault("not_answers", {})
    info.setdefault("unidentified", 0)
    typed = {
        mapping["timestamp"]: TIME,
        mapping.get("timezone"): ZONE,
        **{mapping[f]: SCORE for f in ("nps", "csat", "ces") if f in mapping},
    }
    info.setdefault("repeated_headers", 0)
    # Qualtrics' Status column; "Response Type" is its name in the question-text row, the header of an export whose
    # first row (ResponseId, EndDate, Status...) was deleted, as the preset's "Response ID" and "End Date" read it:
    # there previews, tests and spam were counted as answers
    status_column = next((c for c in ("Status", "Response Type") if c in header), None)
    status_column = status_column if src.preset == "qualtrics" else None
    partial_column = "Response Type" if src.preset == "typeform" and "Response Type" in header else None
    responses, rejects, reject = [], [], FileRejects()
    day_first = None  # (location, value, format) of a timestamp that only reads day-first (_day_first)
    echoes_until = 3  # a header's echo rows (Qualtrics' question text and ImportId) follow it: the file's, or a
    # joined export's (cat a.csv b.csv), whose header row is skipped and counted
    for index, (location, cells, held) in enumerate(rows):
        if isinstance(cells, Rejected):
            rejects.append(reject(src.brand or "", src.name, str(cells), UNREADABLE, location, content=held))
            info["unidentified"] += 1
            continue
        if repeats_header(cells, header):
            info["repeated_headers"] += 1
            echoes_until = index + 3
            continue
        if index < echoes_until and _header_echo(cells, mapping, header):
            named = _declared_zone(cells, mapping, header)
            try:
                declared = zone(named) if named else declared
            except ValueError:  # its timestamps are read as if it declared none; the step's detail says so
                info.setdefault("unread_zones", {})[named] = str(declared or tz_default or UTC)
            continue
        if later_header(cells, header, (mapping["response_id"], mapping["timestamp"]), mapping.values(), location):
            info["repeated_headers"] += 1
            echoes_until = index + 3
            continue
        values = dict(zip(header, cells, strict=False))
        row = {col: values.get(col) for col in mapping.values()}  # only mapped columns: no PII in quarantine
        brand = src.brand or _text(row.get(mapping.get("brand"))) or ""
        unlinked = _excel_customer_id(row, mapping.get("customer_id"), "the export as the survey tool wrote it")
        customer_hash = _customer_hash(row, mapping.get("customer_id"), pseudonymise)  # hashed in quarantine too
        customer_hash = None if unlinked else customer_hash  # the response lands, linked to no customer
        status = _qualtrics_not_an_answer(values.get(status_column)) if status_column else None
        row_id = _text(row.get(mapping["response_id"]))
        if status is not None:
            reason = (
                f"Qualtrics Status {shown(status, _STATUS)} (column {status_column}): a preview, test or spam "
                "response, not an answer"
            )
            rejects.append(_reject(reject, brand, src.name, reason, row, location, typed))
            if row_id is not None:  # a copy landed before (read as preset custom, or before Status was read) leaves
                not_answers[row_id[:MAX_ID]] = None
            continue
        if partial_column and (_text(values.get(partial_column)) or "").casefold() == "partial":
            reason = (
                f"Typeform Response Type {shown(_text(values.get(partial_column)), _TYPEFORM_PARTIAL)} (column "
                f"{partial_column}): a partial response, never submitted, not an answer"
            )
            rejects.append(_reject(reject, brand, src.name, reason, row, location, typed))
            continue
        if row_id is None or EXCEL_ID.fullmatch(row_id):  # an id Excel rounded may be any response's whose id
            info["unidentified"] += 1  # rounds alike: a whole-history export removed those that landed before
        else:
            present.append(row_id[:MAX_ID])
            not_answers.pop(row_id[:MAX_ID], None)  # an answer read after it: the row read last counts
        if reason := unsaved_formulas(row):
            rejects.append(_reject(reject, brand, src.name, reason, row, location, typed))
            continue
        if "ces" in mapping:  # the scale its answers are on, whatever the source's ces.scale says
            _count_scale(info, row.get(mapping["ces"]), "ces", 7, lambda a: a > 5, "ces_above_5")
        if "csat" in mapping:  # and of its CSAT, read on 1-5
            _count_scale(info, row.get(mapping["csat"]), "csat", 10, lambda a: a == 0 or a > 5, "csat_off_scale")
        try:
            response, problems = _response(src, mapping, row, known, declared or tz_default or UTC, ces_labels)
        except Rejected as exc:
            rejects.append(_reject(reject, brand, src.name, str(exc), row, location, typed))
            if day_first is None and (fmt := _day_first(row.get(mapping["timestamp"]), src)):
                day_first = (location, row.get(mapping["timestamp"]), fmt)
            continue
        responses.append(SurveyResponse(**{**response, "location": location, "customer_hash": customer_hash}))
        problems = [*problems, unlinked] if unlinked else problems
        if problems:
            reason = "; ".join(problems) + " (left empty; the rest of the response loaded)"
            rejects.append(_reject(reject, response["brand"], src.name, reason, row, location, typed))
    if day_first:  # its dates with a day of 12 or less were read month-first: 05/06/2026 as 6 May, not 5 June
        location, value, fmt = day_first
        raise ValueError(
            f"{location}: timestamp (column {mapping['timestamp']}) {shown(value, TIME)} reads only day first "
            f"({fmt}), while the {src.preset} preset reads such dates month first (US): its other dates were read "
            f"with day and month swapped (05/06 as 6 May); set the source's timestamp_format to {fmt!r} (an export "
            "saved by a spreadsheet in a day-first locale)"
        )
    return responses, _by_brand_id(rejects, known, src.brand)


def _day_first(value, src: SurveySpec) -> str | None:
    """The day-first form (``%d/%m/%Y %H:%M``) of a month-first format of the source's preset that reads
    ``value``, a timestamp the source cannot read (``13/10/2026 14:35``: a spreadsheet in a day-first locale,
    Belgian or British, saved the export), else None; None too where the source sets its own ``timestamp_format``
    (tried first: the dates it reads were not read month first)."""
    if not isinstance(value, str) or src.timestamp_format:
        return None
    formats = PRESET_TIME_FORMATS[src.preset]
    try:
        parse_timestamp(value, UTC, formats, first=src.timestamp_format)
        return None  # read: its row was refused for something else
    except Rejected:
        pass
    for fmt in formats:
        swapped = fmt.replace("%m/%d", "%d/%m")
        if swapped != fmt:
            try:
                datetime.strptime(value.strip(), swapped)
            except ValueError:
                continue
            return swapped
    return None


def _count_scale(info: dict, value, field: str, top: int, off, off_key: str) -> None:
    """Count a ``field`` cell (``ces``, ``csat``) that is a number from its scale's least (1, or 0 for CSAT) to
    ``top`` in ``info[f"{field}_answers"]``, and in ``info[off_key]`` when ``off(answer)``: a source whose answers
    are plainly on another scale than read (a CES of 6 and 7 on a 5-point ``ces.scale``, a CSAT of 0 or 6-10) is
    said in the import step's detail (:func:`pipeline.surveys.ingest.scales_said`). A label or a bad cell counts in
    neither."""
    try:
        answer = parse_score(value, field.upper(), 0 if field == "csat" else 1, top)
    except Rejected:
        return
    if answer is not None:
        info[f"{field}_answers"] = info.get(f"{field}_answers", 0) + 1
        info[off_key] = info.get(off_key, 0) + bool(off(answer))


def _response(src: SurveySpec, mapping, row, known, tz, ces_labels) -> tuple[dict, list[str]]:
    get = lambda name: row.get(mapping[name]) if name in mapping else None  # noqa: E731
    response_id = _text(get("response_id"))
    if response_id is None:
        raise Rejected(f"response id (column {mapping['response_id']}) is empty")
    if EXCEL_ID.fullmatch(response_id):  # SurveyMonkey's Respondent ID saved by Excel: "1.14112E+11"
        raise Rejected(
            f"response id (column {mapping['response_id']}) {shown(response_id, NUMBER)} is a number in scientific "
            "notation, as Excel saves a long id: its digits are lost, so it cannot tell this response from others; "
            "use the export as the survey tool wrote it, or save the column as text"
        )
    brand = src.brand or _row_brand(get("brand"), known, mapping["brand"])
    if "timezone" in mapping and _text(get("timezone")):
        try:
            tz = zone(_text(get("timezone")))
        except ValueError:
            raise Rejected(
                f"time zone {shown(_text(get('timezone')), ZONE)} (column {mapping['timezone']}) is not an IANA zone "
                "or UTC offset"
            ) from None
    responded = parse_timestamp(
        get("timestamp"),
        tz,
        PRESET_TIME_FORMATS[src.preset],
        f"timestamp (column {mapping['timestamp']})",
        first=src.timestamp_format,
    )
    if responded > datetime.now(UTC) + PLAUSIBLE_AHEAD:  # a mistyped year: it would land in a day years ahead
        raise Rejected(
            f"timestamp (column {mapping['timestamp']}) {responded.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC is in the "
            "future"
        )
    out = {
        "source": src.name,
        "response_id": response_id[:MAX_ID],
        "brand": brand,
        "responded_at": responded.isoformat(),
    }
    comment = _text(get("comment"))
    if src.preset == "qualtrics" and comment == QUALTRICS_SEEN_NOT_ANSWERED:
        comment = None
    if comment is not None and not comment.translate(_UNSEEN).strip():  # a zero-width space alone: nothing written
        comment = None
    out["comment"] = comment
    out["comment_language"] = records.detect_language(comment) if comment else None
    problems = []
    for name in ("touchpoint", "segment"):
        out[name], problem = _label(get(name), name, mapping.get(name))
        problems += [problem] if problem else []
    for name, low, high, labels in (
        ("nps", 0, 10, None),
        ("csat", 1, 5, CSAT_LABELS),
        ("ces", 1, src.ces.scale, ces_labels),
    ):
        if name not in mapping:
            continue
        try:
            out[name] = parse_score(get(name), f"{name.upper()} (column {mapping[name]})", low, high, labels)
        except Rejected as exc:
            problems.append(str(exc))
            continue
        if out[name] is not None and (against := _label_against(src, name, get(name), out[name], mapping[name])):
            out[name] = None
            problems.append(against)
    if out.get("ces") is not None:
        out["ces_scale"], out["ces_lower_is_better"] = src.ces.scale, src.ces.lower_is_better
        out["ces_norm"] = round(ces_normalise(out["ces"], src.ces.scale, src.ces.lower_is_better), 6)
    return out, problems


def _label_against(src: SurveySpec, name: str, value, answer: int, column: str) -> str | None:
    """Why a numbered answer (``"5 - Very dissatisfied"``) is not taken, when its label points the other way from
    its number read on the configured scale (CSAT: 5 = very satisfied; CES: ``ces.scale`` and
    ``ces.lower_is_better``), or None: counted by its number, the answer would land on the wrong side."""
    m = _LABELLED.match(value) if isinstance(value, str) else None
    side = _LABEL_SIDE.get(name, {}).get(" ".join(m.group(2).split()).lower()) if m and m.group(2) else None
    if not side:
        return None
    if name == "csat":
        ours, scale = answer - 3, "1-5 (5 = very satisfied)"
    else:
        ours = ces_normalise(answer, src.ces.scale, src.ces.lower_is_better) - 4
        least = 1 if src.ces.lower_is_better else src.ces.scale
        scale = f"1-{src.ces.scale} ({least} = least effort: the source's ces.scale and ces.lower_is_better)"
    if side * ours >= 0:
        return None
    return (
        f"{name.upper()} (column {column}) {shown(value, SCORE)}: its label says the opposite of its number on "
        f"{scale}; the survey numbers its scale the other way"
    )


# -- customers -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CustomerRow:
    source: str
    customer_hash: str  # keyed hash of the export's customer id (records.Pseudonymiser)
    brand: str
    segment: str | None
    start_date: str
    end_date: str | None
    monthly_revenue: float | None
    location: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    def customer(self) -> Customer:
        return Customer(
            self.customer_hash,
            self.brand,
            self.segment,
            date.fromisoformat(self.start_date),
            date.fromisoformat(self.end_date) if self.end_date else None,
            self.monthly_revenue,
        )


def parse_date(value, what: str, fmt: str | None = None) -> date | None:
    """A calendar date (:func:`pipeline.records.parse_day`, so inside 1970-2099), or None when empty."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        value = value.isoformat()
        fmt = None
    if _text(value) is None:
        return None
    try:
        return records.parse_day(_text(value), what, fmt)
    except Rejected as exc:
        raise Rejected(f"{exc}{_excel_serial(value)}") from None


# An end date that CRM, ERP and warehouse exports write for "no end": SAP's and Oracle's 31.12.9999 (any day of
# the year 9999; any year from 2900, 2999-12-31, and 2100-01-01, the first day past what a date is read as, are such
# marks too: a year between, 2105 for 2015, is a typing slip, quarantined),
# MySQL's zero date 0000-00-00 (00.00.0000). Read as an end date, each quarantined its customer
# (outside 1970-2099, or no date), so a list that marks every active customer so landed only those who had left: a
# month's churn was 100 %, its CLV a fraction of the real one.
_ZERO_DATE = re.compile(r"0{2,4}([-./])00\1(?:00|0000)(?:[ T]00:00(?::00)?)?")


def _far(day: date) -> bool:
    """Whether an end date is a "no end" mark by its day (:data:`_ZERO_DATE`'s comment)."""
    return day.year >= 2900 or day == records.LATEST.date()


def _no_end(value, fmt: str | None) -> bool:
    """Whether an end date cell is a "no end" mark (:data:`_ZERO_DATE`'s comment): the customer is still one."""
    if isinstance(value, date):  # an .xlsx date cell
        return _far(value)
    raw = _text(value)
    if raw is None:
        return False
    if _ZERO_DATE.fullmatch(raw):
        return True
    try:
        return _far((datetime.strptime(raw, fmt) if fmt else datetime.fromisoformat(raw)).date())
    except ValueError:
        return False


def read_customer_file(
    config, customer_source: CustomerSpec, path, info: dict | None = None
) -> tuple[list[CustomerRow], list[Reject]]:
    """Every customer of one list that can land, and a :class:`Reject` per row that was (partly) quarantined.

    ``info``, when given, receives ``columns``: which header each field was read from, ``present``: (brand, or
    None where it cannot be read, and hashed id) of every row with an id (landed or quarantined: a customer whose
    row is quarantined is still in the list), ``unidentified``: rows whose id cannot be read (a row that is not
    CSV, or of another width than the header; an empty id cell: they may be any customer), and
    ``repeated_headers``: rows that are the header again (lists joined into one file: skipped)."""
    src, path = customer_source, Path(path)
    if src.brand is not None:
        _check_brand(config, src.brand, f"surveys customers {src.name!r} brand")
    header, rows, hint = read_table(path, src.format, src.sheet, None, src.delimiter, src.encoding)
    cols = src.columns
    fields = {f: (getattr(cols, f),) for f in ("customer_id", "brand", "segment", "start_date", "end_date", "revenue")}
    if cols.brand is None:
        del fields["brand"]
    explicit = {f for f in fields if src.explicit(f)}
    required = {"customer_id", "start_date", "end_date", "brand"} & fields.keys()
    mapping = _resolve(path, header, fields, required, explicit, hint)
    info = {} if info is None else info
    info["columns"] = dict(mapping)
    info.setdefault("repeated_headers", 0)
    present = info.setdefault("present", [])  # one source's files share one info
    info.setdefault("unidentified", 0)
    known = _brands(config)
    pseudonymise = Pseudonymiser(config)
    per_month = 12.0 if src.revenue_period == "year" else 1.0
    typed = {mapping["start_date"]: TIME, mapping["end_date"]: TIME, mapping.get("revenue"): NUMBER}
    customers, rejects, reject = [], [], FileRejects()
    for location, cells, held in rows:
        if isinstance(cells, Rejected):
            rejects.append(reject(src.brand or "", src.name, str(cells), UNREADABLE, location, content=held))
            info["unidentified"] += 1
            continue
        if repeats_header(cells, header):  # lists joined into one file: skipped, counted
            info["repeated_headers"] += 1
            continue
        if later_header(cells, header, (mapping["customer_id"], mapping["start_date"]), mapping.values(), location):
            info["repeated_headers"] += 1
            continue
        values = dict(zip(header, cells, strict=False))
        row = {col: values.get(col) for col in mapping.values()}
        get = lambda name, row=row: row.get(mapping[name]) if name in mapping else None  # noqa: E731
        brand = src.brand or _text(get("brand")) or ""
        unread = _excel_customer_id(row, mapping["customer_id"], "the list as the CRM wrote it")
        customer_hash = _customer_hash(row, mapping["customer_id"], pseudonymise)
        if customer_hash is None or unread:  # an id Excel rounded may be any customer's whose id rounds alike
            info["unidentified"] += 1
        else:
            try:
                listed = src.brand or _row_brand(get("brand"), known, mapping["brand"])
            except Rejected:
                listed = None  # a brand that cannot be read: it may be a customer of any brand of the list
            present.append((listed, customer_hash))
        if reason := unsaved_formulas(row):
            rejects.append(_reject(reject, brand, src.name, reason, row, location, typed))
            continue
        try:
            if customer_hash is None:
                raise Rejected(f"customer id (column {mapping['customer_id']}) is empty")
            if unread:
                raise Rejected(unread)
            brand = src.brand or _row_brand(get("brand"), known, mapping["brand"])
            start = parse_date(get("start_date"), f"start date (column {mapping['start_date']})", src.date_format)
            if start is None:
                raise Rejected(f"start date (column {mapping['start_date']}) is empty")
            end = None
            if not _no_end(get("end_date"), src.date_format):  # 31.12.9999, 0000-00-00: still a customer
                end = parse_date(get("end_date"), f"end date (column {mapping['end_date']})", src.date_format)
            if end is not None and end < start:
                raise Rejected(f"end date {end} is before start date {start}")
        except Rejected as exc:
            rejects.append(_reject(reject, brand, src.name, str(exc), row, location, typed))
            continue
        segment, problem = _label(get("segment"), "segment", mapping.get("segment"))
        problems = [problem] if problem else []
        revenue, raw_revenue = None, get("revenue")
        if _text(raw_revenue) is not None:
            try:
                revenue = amount(raw_revenue)
            except ValueError as exc:
                revenue = None
                problems.append(
                    f"revenue {shown(raw_revenue, NUMBER)} (column {mapping['revenue']}) is not an amount ≥ 0{exc}"
                )
            mark = currency(raw_revenue)
            listed_in = info.setdefault("currency", (mark, location)) if mark and revenue is not None else None
            # a brand's lists are summed into one ARPU and CLV too: "currencies" (brand -> its first amount with a
            # currency) is shared by the lists of one import (ingest.import_customers); € 10 in one list and 400 zł
            # in another of the brand were an ARPU of 205
            currencies = info.setdefault("currencies", {})
            if listed_in and listed_in[0] != mark:  # summed into one ARPU and CLV, 1 200 zł and € 300 were 1,500
                revenue = None
                problems.append(
                    f"revenue {shown(raw_revenue, NUMBER)} (column {mapping['revenue']}) is in {mark}, the list's "
                    f"first amount with a currency ({listed_in[1]}) in {listed_in[0]}: one list, one currency"
                )
            elif listed_in and (brand_in := currencies.setdefault(brand, (mark, location)))[0] != mark:
                revenue = None
                problems.append(
                    f"revenue {shown(raw_revenue, NUMBER)} (column {mapping['revenue']}) is in {mark}, {brand}'s "
                    f"first amount with a currency ({brand_in[1]}, another list) in {brand_in[0]}: one brand, one "
                    "currency"
                )
        customers.append(
            CustomerRow(
                src.name,
                customer_hash,
                brand,
                segment,
                start.isoformat(),
                end.isoformat() if end else None,
                None if revenue is None else round(revenue / per_month, 6),
                location,
            )
        )
        if problems:
            reason = "; ".join(problems) + " (left empty; the customer loaded)"
            rejects.append(_reject(reject, brand, src.name, reason, row, location, typed))
    return customers, _by_brand_id(rejects, known, src.brand)

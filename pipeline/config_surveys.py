"""The ``surveys:`` section of ``brandpulse.yaml``: survey exports, customer lists, CLV and CX-worth parameters.

Part of the configuration layer (the bottom one): :mod:`pipeline.config` embeds :class:`SurveysSpec` and the
survey importer (:mod:`pipeline.surveys.importer`) reads the specs.

Example (paths are relative to the config file, like every path in it)::

    surveys:
      min_responses: 30                  # estimates from fewer answers are flagged low_n
      sources:
        - name: parcelo-nps              # unique; recorded as `source` (responses are keyed by source + id)
          brand: parcelo                 # brand id, or map a brand column: columns: {brand: Brand}
          path: sample/parcelo/surveys.csv   # a file or glob; .csv or .xlsx
          preset: qualtrics              # qualtrics | surveymonkey | typeform | custom
          columns: {nps: Q1, comment: Q4, customer_id: ExternalReference}   # override or complete the preset
          ces: {scale: 7, lower_is_better: false}
          timezone: Europe/London        # for timestamps without an offset
      customers:
        - name: parcelo-crm
          brand: parcelo
          path: sample/parcelo/customers.csv
          revenue_period: month          # the revenue column is per month (or: year)
      clv:
        margin: 0.3                      # gross margin on revenue, 0..1
        discount_rate: 0.10              # per discount_rate_period
        discount_rate_period: year       # year (converted to a monthly rate) or month
        retention_source: observed       # observed churn (pooled over churn_window_months) or fixed
        churn_window_months: 3
      cx:
        churn_window_days: 90            # churn counted within this many days after a response
        history_days: 365                # how far back the responses that measure the churn gap may go

Presets name the columns that the survey tools' standard CSV exports use (see :data:`PRESETS`). A preset gives
*candidates* for each field, tried in order against the header: an exact header name, or ``re:<pattern>`` (a
case-insensitive regular expression searched in the header, for tools whose headers are the question text).
Anything set under ``columns`` is an exact header name and wins over the preset; with ``preset: custom``
``columns`` must name at least ``response_id``, ``timestamp`` and one of ``nps``, ``csat``, ``ces``. The import
step's detail lists which column each field was read from, so a preset that guessed wrong shows at once.

A survey's ``customer_id`` column (the CRM id the survey tool was given: Qualtrics' ``ExternalReference``, a
hidden field) links a response to the customer list. Like authors, customer ids are stored only as keyed hashes
(:class:`pipeline.records.Pseudonymiser`), in the survey responses and in the customer list alike, so the two
join without either holding the id. Responses without one still count everywhere, unlinked.

It imports only :mod:`pipeline.config_types` (:mod:`pipeline.config` imports it); its models follow the same rules:
unknown fields are errors, and values are frozen.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from typing import Literal

from pydantic import Field, field_validator, model_validator

from pipeline.config_types import Delimiter, Float, Int, NonEmpty, Slug, TextEncoding, _Strict, iana_zone

SURVEY_FIELDS = (
    "response_id",
    "brand",
    "timestamp",
    "timezone",
    "nps",
    "csat",
    "ces",
    "touchpoint",
    "segment",
    "comment",
    "customer_id",
)
SCORE_FIELDS = ("nps", "csat", "ces")

# Column candidates per preset and field, tried in order; "re:" = case-insensitive regex searched in the header.
# fmt: off
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    # Qualtrics "Export data > CSV": row 1 = column names (ResponseId, EndDate, Q1...), row 2 = question
    # text, row 3 = {"ImportId": ..., "timeZone": ...} (both skipped; the timeZone is used for naive times).
    # Questions keep their Q-numbers unless renamed in the survey; the usual renamings are tried first.
    # Touchpoint and segment are embedded data fields.
    "qualtrics": {
        "response_id": ("ResponseId", "ResponseID", "Response ID"),
        # EndDate: submitted, or an incomplete response's last answer; RecordedDate: when Qualtrics recorded it,
        # an incomplete one only when closed (by default a week later), and dated so it landed on the wrong day
        "timestamp": ("EndDate", "End Date", "RecordedDate", "Recorded Date"),
        "nps": ("NPS", "NPS_Score", "Q_NPS", "Q1"),
        "csat": ("CSAT", "CSAT_Score", "Q2"),
        "ces": ("CES", "CES_Score", "Q3"),
        "comment": ("Comment", "NPS_Comment", "Q4"),
        "touchpoint": ("Touchpoint", "touchpoint"),
        "segment": ("Segment", "segment"),
        "customer_id": ("ExternalReference", "ExternalDataReference", "CustomerID", "customer_id"),
    },
    # SurveyMonkey "Export > All responses data > CSV": headers are the question texts, then a second header
    # row ("Response", "Open-Ended Response") that is skipped. Dates are "MM/DD/YYYY hh:mm:ss AM" in the
    # account's time zone (set `timezone`). Custom variables export as "Custom Data 1", "Custom Data 2".
    "surveymonkey": {
        "response_id": ("Respondent ID", "RespondentID"),
        "timestamp": ("End Date", "Date Modified", "Start Date"),
        "nps": (r"re:how likely (is it|are you) .*recommend",),
        "csat": (r"re:how satisfied", r"re:overall satisfaction"),
        "ces": (r"re:\beas(y|ier|e)\b", r"re:\beffort\b"),
        "comment": (r"re:^(why|what is the (main|primary) reason|is there anything|please tell us|any other|"
                    r"comments?\b|what could we)",),
        "touchpoint": ("touchpoint", "Touchpoint", "Custom Data 1"),
        "segment": ("segment", "Segment", "Custom Data 2"),
        "customer_id": ("customer_id", "Customer ID", "CustomerID"),
    },
    # Typeform "Results > Download > CSV": "#" is the response token; headers are the question titles; hidden
    # fields keep their names; "Submit Date (UTC)" is read as UTC (its header says so); "Submitted At" (older
    # exports), whose header names no zone, in the source's `timezone` (else UTC). A partial response ("Response
    # Type" partial, no Submit Date) is quarantined as one, not an answer.
    "typeform": {
        "response_id": ("#", "Response ID", "Token"),
        "timestamp": ("Submit Date (UTC)", "Submitted At", "Submit Date"),
        "nps": (r"re:\brecommend\b",),
        "csat": (r"re:\bsatisf",),
        "ces": (r"re:\beas(y|ier|e)\b", r"re:\beffort\b"),
        "comment": (r"re:^(why|what('|’)?s the (main )?reason|what is the (main )?reason|tell us|anything else|"
                    r"comments?\b|what could we)",),
        "touchpoint": ("touchpoint", "Touchpoint"),
        "segment": ("segment", "Segment"),
        "customer_id": ("customer_id", "Customer ID", "CustomerID"),
    },
    "custom": {},
}
# fmt: on

# strptime formats each preset's timestamps may come in (ISO-8601 is always tried first).
PRESET_TIME_FORMATS: dict[str, tuple[str, ...]] = {
    "qualtrics": ("%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p"),
    "surveymonkey": ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p"),
    "typeform": ("%Y-%m-%d %H:%M:%S",),
    "custom": (),
}


@cache
def _candidate(text: str) -> str | re.Pattern:
    """A preset's candidate: an exact header name, or a ``re:`` pattern compiled (case-insensitive)."""
    return re.compile(text[3:], re.IGNORECASE) if text.startswith("re:") else text


def _check_zone(value: str | None) -> str | None:
    return None if value is None else iana_zone(value)


def check_format(value: str | None) -> str | None:
    """A strptime format that reads a date with its year and month, else ValueError: one with a directive strptime
    does not know (``%-d``, ``%Q``), or none at all (``dd/mm/yyyy``, a spreadsheet's pattern), or without the year
    (every date 1900) quarantined every row of every night, each for its value, where the mistake is the config's;
    one without the month (``%d-%M-%Y``, the minute's ``%M`` for ``%m``) read every date in January, unsaid; and
    one with AM/PM (``%p``) and the 24-hour ``%H`` read ``2:05 PM`` as 02:05 and ``12:10 AM`` as noon, unsaid
    (strptime reads ``%p`` only with the 12-hour ``%I``), as ``%I`` without ``%p`` reads every time before noon."""
    if value is None:
        return None
    directives = set(re.findall(r"%.", value))  # "%%" is one token: a literal per cent sign, no directive
    if ("%p" in directives) != ("%I" in directives):
        what = "AM/PM (%p) without the 12-hour %I" if "%p" in directives else "the 12-hour %I without AM/PM (%p)"
        raise ValueError(
            f"{value[:80]!r} reads {what}: strptime reads %p only with %I, so a time after noon would be read 12 "
            "hours off; write '%I:%M %p' for 2:05 PM, '%H:%M' for 14:05"
        )
    sample = datetime(2026, 11, 23, 13, 45, 56, tzinfo=UTC)
    try:
        read = datetime.strptime(sample.strftime(value), value)
    except ValueError as exc:
        raise ValueError(f"{value[:80]!r} is not a strptime format ({exc})") from None
    except re.error:  # strptime's own pattern names a group per directive: a second %d raised out of the load
        raise ValueError(
            f"{value[:80]!r} is not a strptime format (a directive is repeated: each may appear once)"
        ) from None
    if read.year != sample.year:
        raise ValueError(f"{value[:80]!r} reads no year: write it in strptime directives, such as '%d/%m/%Y %H:%M'")
    if read.month != sample.month:  # '%d-%M-%Y': the minute where the month was meant, every date in January
        raise ValueError(
            f"{value[:80]!r} reads no month, so every date would be in January (%m is the month, %M the "
            "minute): such as '%d/%m/%Y %H:%M'"
        )
    return value


class SurveyColumnsSpec(_Strict):
    """Exact header of the column that holds each field. Unset fields come from the preset."""

    response_id: NonEmpty | None = None
    brand: NonEmpty | None = Field(None, description="brand id (or brand name) per row, instead of source `brand`")
    timestamp: NonEmpty | None = Field(None, description="when the response was submitted")
    timezone: NonEmpty | None = Field(None, description="per-row IANA zone or UTC offset for naive timestamps")
    nps: NonEmpty | None = Field(None, description="0-10 likelihood to recommend")
    csat: NonEmpty | None = Field(None, description="1-5 satisfaction")
    ces: NonEmpty | None = Field(None, description="customer effort, on the `ces.scale`")
    touchpoint: NonEmpty | None = None
    segment: NonEmpty | None = None
    comment: NonEmpty | None = Field(None, description="free-text answer; scored with the sentiment model")
    customer_id: NonEmpty | None = Field(
        None, description="the respondent's id in the customer list; stored as a keyed hash, links the response"
    )


class CesScaleSpec(_Strict):
    """How the CES question is asked. CES 2.0 ("X made it easy to ...", 1-7 agree) is the default."""

    # an int, as every number of the config ('7' quoted is 7, as batch_size: '64' is 64): Literal[5, 7] refused the
    # quoted '7' with "Input should be 5 or 7", to a user who wrote 7
    scale: Int = 7
    lower_is_better: bool = Field(False, description="true for the 'how much effort' wording (1 = very low effort)")

    @field_validator("scale")
    @classmethod
    def _five_or_seven(cls, value: int) -> int:
        if value not in (5, 7):
            raise ValueError("must be 5 or 7 (the number of points the CES question is answered on)")
        return value


class SurveySpec(_Strict):
    """A survey tool's export (CSV or XLSX) dropped in a folder; every night the whole export is read again."""

    name: Slug
    brand: Slug | None = Field(None, description="brand id of every response; or map columns.brand")
    path: NonEmpty = Field(description="a file or a glob, relative to the config file")
    format: Literal["auto", "csv", "xlsx"] = "auto"
    sheet: NonEmpty | None = Field(None, description="XLSX sheet to read; the first one by default")
    delimiter: Delimiter = Field("auto", description="a CSV's delimiter; auto: from each file's header line")
    encoding: TextEncoding = Field("utf-8", description="a CSV's text encoding (a Python codec: cp1250, cp1252)")
    preset: Literal["qualtrics", "surveymonkey", "typeform", "custom"] = "custom"
    columns: SurveyColumnsSpec = SurveyColumnsSpec()
    ces: CesScaleSpec = CesScaleSpec()
    timezone: NonEmpty | None = Field(
        None,
        description="IANA zone of timestamps without an offset, unless the export states its own (Qualtrics' "
        "ImportId row, a '(UTC)' header such as Typeform's); default UTC",
    )
    timestamp_format: NonEmpty | None = Field(None, description="strptime format, when not ISO-8601 or the preset's")
    whole_history: bool = Field(
        False,
        description="the files hold every response the survey tool still has: one no longer in them was deleted "
        "there (an erasure request, spam removed) and leaves the warehouse with its comment score",
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return _check_zone(value)

    @field_validator("timestamp_format")
    @classmethod
    def _format(cls, value: str | None) -> str | None:
        return check_format(value)

    @model_validator(mode="after")
    def _check(self) -> SurveySpec:
        if (self.brand is None) == (self.columns.brand is None):
            which = "neither is given" if self.brand is None else "not both"
            raise ValueError(f"give either brand (one brand for the whole export) or columns.brand: {which}")
        if self.preset == "custom":
            missing = [f for f in ("response_id", "timestamp") if getattr(self.columns, f) is None]
            if missing:
                raise ValueError(f"preset custom needs columns.{' and columns.'.join(missing)}")
            if all(getattr(self.columns, f) is None for f in SCORE_FIELDS):
                raise ValueError("preset custom needs at least one of columns.nps, columns.csat, columns.ces")
        return self

    def candidates(self, field: str) -> tuple[str | re.Pattern, ...]:
        """Header candidates for ``field``: the explicit column (an exact header name, whatever it starts with),
        else the preset's, its ``re:`` ones compiled (the preset's own patterns: a pattern in the config could
        take hours on a long question header, out of reach of any signal)."""
        explicit = getattr(self.columns, field)
        return (explicit,) if explicit else self.preset_candidates(field)

    def preset_candidates(self, field: str) -> tuple[str | re.Pattern, ...]:
        """The preset's header candidates for ``field``, its ``re:`` ones compiled, whatever the config maps."""
        return tuple(map(_candidate, PRESETS[self.preset].get(field, ())))

    def explicit(self, field: str) -> bool:
        return getattr(self.columns, field) is not None


class CustomerColumnsSpec(_Strict):
    """Exact header per field. ``segment`` and ``revenue`` may be absent from the file unless set here."""

    customer_id: NonEmpty = "customer_id"
    brand: NonEmpty | None = None
    segment: NonEmpty = "segment"
    start_date: NonEmpty = Field("start_date", description="first day as a customer")
    end_date: NonEmpty = Field("end_date", description="first day no longer a customer (empty: still active)")
    revenue: NonEmpty = Field("monthly_revenue", description="recurring revenue per customer per revenue_period")


class CustomerSpec(_Strict):
    """A customer list (CRM or billing export, CSV or XLSX): one row per customer, the latest export wins."""

    name: Slug
    brand: Slug | None = Field(None, description="brand id of every customer; or map columns.brand")
    path: NonEmpty = Field(description="a file or a glob, relative to the config file")
    format: Literal["auto", "csv", "xlsx"] = "auto"
    sheet: NonEmpty | None = None
    delimiter: Delimiter = Field("auto", description="a CSV's delimiter; auto: from each file's header line")
    encoding: TextEncoding = Field("utf-8", description="a CSV's text encoding (a Python codec: cp1250, cp1252)")
    columns: CustomerColumnsSpec = CustomerColumnsSpec()
    revenue_period: Literal["month", "year"] = Field("month", description="what the revenue column is per")
    date_format: NonEmpty | None = Field(None, description="strptime format, when dates are not ISO-8601")

    @field_validator("date_format")
    @classmethod
    def _format(cls, value: str | None) -> str | None:
        return check_format(value)

    @model_validator(mode="after")
    def _check(self) -> CustomerSpec:
        if (self.brand is None) == (self.columns.brand is None):
            which = "neither is given" if self.brand is None else "not both"
            raise ValueError(f"give either brand (one brand for the whole list) or columns.brand: {which}")
        return self

    def explicit(self, field: str) -> bool:
        return field in self.columns.model_fields_set


class ClvSpec(_Strict):
    """Customer lifetime value parameters (see :mod:`pipeline.surveys.customers` for the formulas)."""

    margin: Float = Field(0.3, gt=0, le=1, description="gross margin as a share of revenue")
    discount_rate: Float = Field(0.10, ge=0, lt=1, description="cost of capital per discount_rate_period")
    discount_rate_period: Literal["year", "month"] = Field(
        "year", description="year: converted to the monthly rate (1 + i)^(1/12) - 1"
    )
    retention_source: Literal["observed", "fixed"] = Field(
        "observed", description="observed: churn pooled over the trailing churn_window_months; fixed: fixed_churn"
    )
    churn_window_months: Int = Field(3, ge=1, le=24)
    fixed_monthly_churn: Float | None = Field(None, gt=0, lt=1)

    @model_validator(mode="after")
    def _check(self) -> ClvSpec:
        if self.retention_source == "fixed" and self.fixed_monthly_churn is None:
            raise ValueError("retention_source fixed needs fixed_monthly_churn (e.g. 0.03 for 3 % a month)")
        return self

    @property
    def monthly_discount_rate(self) -> float:
        if self.discount_rate_period == "month":
            return self.discount_rate
        return (1 + self.discount_rate) ** (1 / 12) - 1


class CxSpec(_Strict):
    """What CX is worth (:mod:`pipeline.surveys.roi`): churn by NPS group, revenue at risk, the value of a point."""

    churn_window_days: Int = Field(
        90, ge=7, le=730, description="a respondent churned when their customer record ends within this many days"
    )
    history_days: Int = Field(
        365,
        ge=30,
        le=3650,
        description="the churn gap between NPS groups is measured on responses whose churn window ended within "
        "this many days before the customer list's last day",
    )


class SurveysSpec(_Strict):
    sources: list[SurveySpec] = Field(default_factory=list)
    customers: list[CustomerSpec] = Field(default_factory=list)
    clv: ClvSpec = ClvSpec()
    cx: CxSpec = CxSpec()
    min_responses: Int = Field(30, ge=1, le=100_000, description="estimates from fewer answers are flagged low_n")

    @model_validator(mode="after")
    def _unique_names(self) -> SurveysSpec:
        for label, items in (("sources", self.sources), ("customers", self.customers)):
            names = [s.name for s in items]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"{label}: names must be unique; repeated: {', '.join(dupes)}")
        return self

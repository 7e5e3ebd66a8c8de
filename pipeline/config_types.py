"""What the two config modules share (:mod:`pipeline.config`, :mod:`pipeline.config_surveys`): the strict model
base, the common field types and the time-zone check, defined once."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    # allow_inf_nan=False: .inf and .nan are refused wherever a number is meant ("Input should be a finite number")
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank (only spaces)")
    return value


# Kept as written (a CSV header may start with a space); only a value of nothing but whitespace is refused.
NonEmpty = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


def iana_zone(name: str) -> str:
    """``name`` if it is an IANA time zone zoneinfo knows (``Europe/Warsaw``, ``UTC``), else ValueError. The files
    of the system's zone folder that are no zone's name (``localtime``, ``posixrules``, the ``posix/`` and ``right/``
    copies of every zone) load in zoneinfo, but DuckDB, which reads a survey answer's day in its brand's zone,
    does not know them: "Unknown TimeZone" failed the night's survey metrics and reports."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones ("America"), a long name
        pass
    else:
        if name not in ("localtime", "posixrules") and not name.startswith(("posix/", "right/")):
            return name
    raise ValueError(f"{name[:80]!r} is not an IANA time zone (e.g. 'Europe/Warsaw', 'UTC')")

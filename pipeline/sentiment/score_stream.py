"""Streaming for ``brandpulse score-texts``: read lines in chunks, score each chunk, write in input order.

Memory is bounded by the chunk size, not the input size, so 100,000 lines (or more) stream through.
Input is read as bytes and split on "\\n" only (a stray "\\r" inside a line never splits it), decoded as UTF-8
with invalid bytes replaced by U+FFFD, and a byte-order mark at the start is dropped.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TextIO

from pipeline.sentiment.scorer import Scorer, without_lone_surrogates


def parse_line(line: bytes | str) -> tuple[dict, str]:
    """(the object to echo, the text to score). JSON objects with a "text" key pass through; else plain text (a line
    that does not parse as JSON, whatever the reason, is scored as the text it is: one odd line never ends the
    stream)."""
    if isinstance(line, bytes):
        line = line.decode("utf-8", "replace")
    line = line.removesuffix("\n").removesuffix("\r")
    if line.lstrip().startswith("{"):
        try:  # NaN, Infinity and 1e999 are echoed as null: the output stays JSON
            obj = json.loads(line, parse_constant=lambda _: None, parse_float=_finite)
        except (ValueError, RecursionError):  # not JSON; a number of 5,000 digits; nesting past Python's stack
            obj = None
        if isinstance(obj, dict) and "text" in obj:
            obj = _clean(obj)
            text = obj["text"]  # not a string (null, a number, true, a list): no text to score, as the README says
            return obj, text if isinstance(text, str) else ""
    return {"text": line}, line


def _finite(text: str) -> float | None:
    number = float(text)
    return number if math.isfinite(number) else None


def _clean(value):
    """A parsed JSON value with lone surrogates ("\\ud83d" alone) replaced in every string, keys included: the
    tokenizer refuses them, and the echoed object could not be written as UTF-8."""
    if isinstance(value, str):
        return without_lone_surrogates(value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _without_bom(lines: Iterable[bytes]) -> Iterator[bytes]:
    it = iter(lines)
    first = next(it, None)
    if first is not None:
        yield first.removeprefix(b"\xef\xbb\xbf")
        yield from it


def score_stream(
    scorer: Scorer, lines: Iterable[bytes], out: TextIO, chunk: int = 4096, progress: TextIO | None = None
) -> int:
    it = _without_bom(lines)
    total, t0, last = 0, time.perf_counter(), 0.0
    while True:
        batch = [parse_line(line) for line in islice(it, chunk)]
        if not batch:
            break
        for (obj, _), result in zip(batch, scorer.score([text for _, text in batch]), strict=True):
            out.write(json.dumps({**obj, **result.as_dict()}, ensure_ascii=False))
            out.write("\n")
        out.flush()
        total += len(batch)
        now = time.perf_counter()
        if progress is not None and now - max(last, t0) > 2:  # every 2 s of a long input; a short one says nothing
            last = now
            progress.write(f"\rscored {total} lines ({total / (now - t0):.0f}/s)")
            progress.flush()
    if progress is not None and last:
        progress.write("\n")
    return total

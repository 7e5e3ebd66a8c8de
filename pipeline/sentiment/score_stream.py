"""Streaming for ``brandpulse score-texts``: read lines in chunks, score each chunk, write in input order.

Memory is bounded by the chunk size, not the input size, so 100,000 lines (or more) stream through.
Input is read as bytes and split on "\\n" only (a stray "\\r" inside a line never splits it), decoded as UTF-8
with invalid bytes replaced by U+FFFD, and a byte-order mark at a line's start is dropped (the file's, or another
file's where files were joined: ``cat a.jsonl b.jsonl``). A line scored other than as it looks (bytes that are not
UTF-8, a line that starts as a JSON object but is not one, an object with no "text" key) is scored as the text it is,
and said on ``progress`` by its line number (the first ``SHOWN``, then a count): one odd line never ends the stream.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable
from itertools import islice
from typing import TextIO

from pipeline.sentiment.scorer import Scorer, without_lone_surrogates

SHOWN = 10  # odd lines said one by one; past these, a count
# the keys the scorer writes (Score.as_dict; "note" only on some lines): an input object's own key of one of these
# names is echoed as "input_<key>", else the scorer's value overwrote it, or its "note" read as the scorer's
RESULT_KEYS = ("label", "negative", "neutral", "positive", "score", "note")


def parse_line(line: bytes | str) -> tuple[dict, str, str | None]:
    """(the object to echo, the text to score, what was odd about the line or None). JSON objects with a "text" key
    pass through; else plain text (a line that does not parse as JSON, whatever the reason, is scored as the text it
    is: one odd line never ends the stream; the third item says why it was not read as an object)."""
    odd = []
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = line.decode("utf-8", "replace")
            odd.append(f"bytes that are not UTF-8 (the first at byte {exc.start + 1}) read as U+FFFD")
    # a byte-order mark: the file's, or another file's where files were joined (cat a.jsonl b.jsonl)
    line = line.removeprefix("\ufeff").removesuffix("\n").removesuffix("\r")
    if line.lstrip().startswith("{"):
        try:  # NaN, Infinity and 1e999 are echoed as null: the output stays JSON
            obj = json.loads(line, parse_constant=lambda _: None, parse_float=_finite)
        except json.JSONDecodeError as exc:
            obj = f"not JSON ({exc.msg}, column {exc.colno})"
        except (ValueError, RecursionError):  # a number of 5,000 digits; nesting past Python's stack
            obj = "JSON past what Python reads (a number of over 4,300 digits, or nesting past its stack)"
        if isinstance(obj, dict) and "text" in obj:
            obj = _clean(obj)
            if clash := [k for k in RESULT_KEYS if k in obj]:
                renamed = {k: _free(f"input_{k}", obj) for k in clash}
                obj = {renamed.get(k, k): v for k, v in obj.items()}
                odd.append(f"the input's own {', '.join(clash)} echoed as {', '.join(renamed.values())}")
            text = obj["text"]  # not a string (null, a number, true, a list): no text to score, as the README says
            return obj, text if isinstance(text, str) else "", "; ".join(odd) or None
        why = obj if isinstance(obj, str) else 'a JSON object with no "text" key'
        odd.append(f"{why}: scored as plain text")
    return {"text": line}, line, "; ".join(odd) or None


def _free(key: str, obj: dict) -> str:
    """``key``, or with more "input_" prefixes until it names no key of ``obj``."""
    while key in obj:
        key = f"input_{key}"
    return key


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


def score_stream(
    scorer: Scorer,
    lines: Iterable[bytes],
    out: TextIO,
    chunk: int = 4096,
    progress: TextIO | None = None,
    name: str = "stdin",
) -> int:
    it = iter(lines)
    total, t0, last, odd, bar = 0, time.perf_counter(), 0.0, 0, False
    # a line redrawn in place on a terminal only: into a log (2> file, a scheduler's task) each "\r" count joined
    # one line that ended only with the input, so nothing was said until then
    live = progress is not None and progress.isatty()
    while True:
        batch = [parse_line(line) for line in islice(it, chunk)]
        if not batch:
            break
        for (obj, _, _), result in zip(batch, scorer.score([text for _, text, _ in batch]), strict=True):
            out.write(json.dumps({**obj, **result.as_dict()}, ensure_ascii=False))
            out.write("\n")
        out.flush()
        for number, (_, _, why) in enumerate(batch, total + 1):
            odd += why is not None
            if why and odd <= SHOWN and progress is not None:  # on a line of its own, not over the progress line
                progress.write(f"{chr(10) * bar}{name}: line {number}: {why}\n")
                bar = False
        total += len(batch)
        now = time.perf_counter()
        if progress is not None and now - max(last, t0) > 2:  # every 2 s of a long input; a short one says nothing
            last, bar = now, live
            said = f"scored {total} lines ({total / (now - t0):.0f}/s)"
            progress.write(f"\r{said}" if live else f"{said}\n")
            progress.flush()
    if progress is not None and bar:
        progress.write("\n")
    if progress is not None and odd > SHOWN:
        progress.write(f"{name}: {odd - SHOWN} more such lines (only the first {SHOWN} are named)\n")
    return total

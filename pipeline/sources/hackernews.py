"""Hacker News stories and comments that mention the brand, from the Algolia HN search API.

One search per alias term (:meth:`AliasMatcher.query_terms`; a term of several words is sent as a quoted
phrase, which the HN index's advanced syntax honours)::

    GET {base}/api/v1/search_by_date?query=…&tags=(story,comment)
        &numericFilters=created_at_i>=START,created_at_i<END&hitsPerPage=100&page=N

``base`` is ``$BRANDPULSE_HN_URL`` when set, else the source's ``base_url`` (``https://hn.algolia.com``).
Pages are read while ``page < nbPages``; an empty page before the last ends the search with a warning (once a
term), a page of only hits this range's search served before (a page served again in place of the one asked for)
is a warning (once a term), a ``hitsPerPage`` that is no positive number is taken as the 100 asked for, and
without an ``nbPages`` that is a whole number the pages are read while they come full. Algolia serves at most
1,000 hits of a query (``nbPages`` stops there), so when ``nbHits`` is more than the pages can hold, the time
range is split in halves and each half searched on its own, down to one second; one-second ranges that still
hold more than can be read are a warning (one per term, with the hits not read).
``max_items`` caps the hits read per term (a warning), and :func:`request_cap` the requests a term's search
makes, split searches' first pages included (a warning: a server that reports more hits than its pages hold
would otherwise be halved down to one-second slices, two requests a second of the window).

Algolia matches words loosely (prefixes, typos, the story title of a comment), so every hit is checked with
the brand's :class:`~pipeline.sources.relevance.AliasMatcher` (whole words, exclusion terms) on its title and
text; HTML in ``story_text``/``comment_text`` is turned into plain text first (entities unescaped,
paragraphs kept as blank lines, tags dropped); a ``title`` is no HTML, kept as written (``Option<T>``,
``Tips&notes``) but for the entities HN's API writes in it (``&lt;``, ``&#x27;``, ``&amp;``: read). A comment is
matched on its own text only, not on the title of the story it sits under. Hits are de-duplicated by ``objectID``
across terms. Deleted or dead items (no title and no text) are skipped and counted.

A record: ``native_id`` the objectID, ``kind`` ``mention``, ``text`` the story text or comment (a link
story's title when it has no text), ``title`` the story title, ``url`` the story's link (else the HN item
page), ``engagement`` points + comments (None when Algolia gives neither), ``channel`` ``hackernews``.
A hit without objectID or time is quarantined, with the author replaced by its keyed hash, keyed by its
objectID (once, whichever alias term found it; else by the hit without its points, comment count and the
search's highlights, which change between reads).

``state``: ``pages_read``, ``hits_read``, ``skipped_deleted``, ``not_about_brand``, ``duplicates``,
``outside_window`` (hits timed outside the window: the whole seconds the search asks for reach past a window that
starts or ends inside a second, or a server that ignores the filter), ``newest_created_at``. HTTP goes through
:func:`pipeline.http.session` (timeouts; retries of 429/5xx/timeouts honouring ``Retry-After``); a search that
still fails raises :class:`~pipeline.sources.SourceError` naming the endpoint without its query string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from pipeline import http as _http
from pipeline.records import Record, Reject, Rejected, Window, parse_utc
from pipeline.records import text as cell_text
from pipeline.sources.base import Source, SourceError, identity
from pipeline.textfold import unescape_html

ENV_URL = "BRANDPULSE_HN_URL"
HITS_PER_PAGE = 100
ITEM_URL = "https://news.ycombinator.com/item?id={}"
# what changes between reads of one hit (and between the searches of two alias terms): not part of a reject's key
# an entity with its ";": what HN's API writes for a title's "<", ">", "'" or "&" ("Option&lt;T&gt;", "AT&amp;T");
# a bare "&" with letters after it is the title's text ("Tips&notes" is no "Tips¬es")
_TITLE_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
VOLATILE = ("points", "num_comments", "children", "updated_at", "_highlightResult", "_snippetResult", "_rankingInfo")


# a tag of HN's HTML (<p>, <a href="…" rel="nofollow">, <i>, <pre><code> and their end tags): "<", "/" for an end tag,
# its name, then anything but "<" and ">" up to its ">". A try stops at the next "<", and takes back nothing it matched
# (possessive), so a hit is read in time linear in its size. Python's HTMLParser rescans to the end of the text for
# every "<" of markup that does not close: 80 KB of '<a x=">"' took 25 s, a comment of a megabyte days, which no
# deadline can stop (it cuts sockets, not the reading of an answer already in hand)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*+)(?:[\s/][^<>]*+)?>")


def plain_text(markup: str | None) -> str | None:
    """HN's HTML as plain text; None when nothing is left. <p> starts a paragraph, <br> a line, every other tag is
    dropped; a "<" that starts no tag is text ("a < b", "<3"). Entities are read with
    :func:`~pipeline.textfold.unescape_html` (a decimal reference of 5,000 digits made ``html.unescape`` raise,
    which failed the whole source)."""
    if not markup:
        return None
    parts, at = [], 0
    for tag in _TAG.finditer(markup):
        parts.append(unescape_html(markup[at : tag.start()]))
        name = tag.group(2).lower()
        if not tag.group(1) and name in ("p", "br"):
            parts.append("\n\n" if name == "p" else "\n")
        at = tag.end()
    parts.append(unescape_html(markup[at:]))
    text = "".join(parts).replace("\x00", "")
    # trailing blanks cut line by line (a regex over a run of blanks with no line break after it backtracks:
    # quadratic, minutes for one hit of 100,000 spaces, which no deadline can stop)
    text = "\n".join(line.rstrip(" \t\r\f\v") for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text or None


def request_cap(max_items: int, seconds: int) -> int:
    """The most requests one term's search of ``seconds`` makes: twice the pages ``max_items`` hits fill, plus
    two for each halving down to one second (one range is split again, the other read). Each split discards its
    range's first page (the halves are searched again); a server whose ``nbHits`` stays over what its pages hold
    would otherwise cost about two requests a second of the window."""
    return 2 * -(-max_items // HITS_PER_PAGE) + 2 * max(seconds, 1).bit_length()


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


class HackerNewsSource(Source):
    source_type = "hackernews"
    platform = "hackernews"
    kind = "mention"
    url_env = ENV_URL

    def fetch(self, window: Window) -> Iterator[Record | Reject]:
        self._seen: set[str] = set()
        self._stats = {
            "pages_read": 0,
            "hits_read": 0,
            "skipped_deleted": 0,
            "not_about_brand": 0,
            "duplicates": 0,
            "outside_window": 0,
        }
        self._newest: datetime | None = None
        start = int(window.start.timestamp())
        end = -int(-window.end.timestamp() // 1)  # ceil: [start, end) in whole seconds
        with self.http_session() as session:
            for term in self.matcher.query_terms():
                self._read, self._cut, self._requests, self._unread, self._short = 0, False, 0, [], False
                self._repeated = False
                self._cap = request_cap(self.spec.max_items, end - start)
                yield from self._search(session, term, start, end, window)
                self._warn_unread(term)
        # deleted or dead items are counted in the state, not warned about: a warning means a cap cut the window
        newest = self._newest.isoformat() if self._newest else self.previous_state.get("newest_created_at")
        self.state = {**self._stats, "newest_created_at": newest}

    def _search(self, session, term: str, start: int, end: int, window: Window) -> Iterator[Record | Reject]:
        spec = self.spec
        url = f"{self.base_url}/api/v1/search_by_date"
        query = f'"{term}"' if len(term.split()) > 1 else term
        if self._read >= spec.max_items:  # an earlier slice of this term used up max_items
            self._warn_cut(term)
            return
        page, listed = 0, set()  # the hits this range's pages served: a page of only these is one served again
        while True:
            if self._requests >= self._cap:
                self._warn_requests(term, start, end, page)
                return
            self._requests += 1
            params = {
                "query": query,
                "tags": f"({','.join(spec.tags)})",
                "numericFilters": f"created_at_i>={start},created_at_i<{end}",
                "hitsPerPage": HITS_PER_PAGE,
                "page": page,
            }
            what = f"Hacker News search for {term!r} page {page}"
            data = _http.get_json(session, url, params=params, what=what)
            if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
                raise SourceError(f"{what}: {_http.bare(url)} returned JSON without a 'hits' list")
            self._stats["pages_read"] += 1
            hits = data["hits"]
            nb_hits, nb_pages = data.get("nbHits"), data.get("nbPages")
            per_page = data.get("hitsPerPage")  # a positive whole number, else the size asked for
            if not (isinstance(per_page, int) and not isinstance(per_page, bool) and per_page > 0):
                per_page = HITS_PER_PAGE
            nb_hits = _count(nb_hits)
            nb_hits = len(hits) if nb_hits is None else nb_hits
            nb_pages = _count(nb_pages)
            if nb_pages is None:  # no whole number ("3", 3.0, missing): read on while the pages come full
                nb_pages = page + 2 if len(hits) >= per_page else page + 1
            readable = nb_pages * per_page
            if page == 0 and nb_hits > readable and end - start > 1:
                middle = (start + end) // 2  # more than Algolia will page through: search each half on its own
                yield from self._search(session, term, middle, end, window)
                yield from self._search(session, term, start, middle, window)
                return
            cut, before = False, len(listed)
            for hit in hits:
                if self._read >= spec.max_items:
                    cut = True
                    break
                self._read += 1
                listed.add(identity(hit.get("objectID") if isinstance(hit, dict) else None, hit))
                item = self._hit(hit, window)
                if item is not None:
                    yield item
            page += 1
            if cut or (self._read >= spec.max_items and page < nb_pages):
                self._warn_cut(term)
                break
            if page > 1 and hits and len(listed) == before and not self._repeated:  # a page read before, again
                self._repeated = True  # (a cache, a server ignoring `page`): the page asked for was not read
                self.warnings.append(
                    f"Hacker News search for {term!r}: page {page - 1} repeated only hits already read; the hits of "
                    "that page were not read (some mentions of the window may be missing)"
                )
            if page >= nb_pages:
                break
            if not hits:  # Algolia said there were more pages: the search stopped short, and says so (once a
                # term; a range holding more hits than Algolia serves is reported as such instead)
                exact = data.get("exhaustiveNbHits") is not False  # an estimated nbHits may promise pages
                if nb_hits <= readable and exact and not self._short:
                    self._short = True
                    self.warnings.append(
                        f"Hacker News search for {term!r}: page {page - 1} came back empty before the last of "
                        f"{nb_pages} pages; its later pages were not read (some mentions of the window may be missing)"
                    )
                break
        if nb_hits > readable:  # a one-second range Algolia cannot page through
            self._unread.append((start, end, nb_hits, readable))

    def _warn_unread(self, term: str) -> None:
        """One warning for the term's ranges that held more hits than Algolia serves (one-second ranges)."""
        if not self._unread:
            return
        start, end, nb_hits, readable = self._unread[0]
        first, last = (f"{datetime.fromtimestamp(t, UTC):%Y-%m-%d %H:%M:%S}" for t in (start, end))
        unread = sum(n - r for _, _, n, r in self._unread)
        more = len(self._unread) - 1
        self.warnings.append(
            f"Hacker News search for {term!r}: {nb_hits} hits from {first} to {last} UTC but Algolia serves "
            f"at most {readable}"
            + (f", and {more} more such range(s)" if more else "")
            + f"; {unread} were not read (truncated)"
        )

    def _warn_cut(self, term: str) -> None:
        if not self._cut:
            self._cut = True
            self.warnings.append(
                f"Hacker News search for {term!r}: stopped after max_items={self.spec.max_items} hits; "
                "older mentions of the window were not read"
            )

    def _warn_requests(self, term: str, start: int, end: int, page: int) -> None:
        """The term's searches reached :func:`request_cap`: what is left of ``[start, end)`` from ``page`` on, and
        the ranges of this term still to search, are not read."""
        if not self._cut:
            self._cut = True
            first, last = (f"{datetime.fromtimestamp(t, UTC):%Y-%m-%d %H:%M:%S}" for t in (start, end))
            self.warnings.append(
                f"Hacker News search for {term!r}: stopped after {self._requests} requests (its cap, for "
                f"max_items={self.spec.max_items} and the window's length) at page {page} of {first} to {last} UTC; "
                "Algolia reported more hits than its pages held, and the rest of the window's mentions were not "
                "read (truncated)"
            )

    def _hit(self, hit, window: Window) -> Record | Reject | None:
        self._stats["hits_read"] += 1
        try:
            if not isinstance(hit, dict):
                raise Rejected(f"hit is a {type(hit).__name__}, not an object")
            object_id = hit.get("objectID")
            if not isinstance(object_id, str | int) or isinstance(object_id, bool) or not str(object_id).strip():
                raise Rejected("hit has no objectID")
            object_id = str(object_id).strip()
            if object_id in self._seen:
                self._stats["duplicates"] += 1
                return None
            self._seen.add(object_id)  # before its time is read: a hit found by two terms is quarantined once
            created = self._created(hit)
        except Rejected as exc:
            return self._reject(str(exc), hit)
        if created not in window:
            self._stats["outside_window"] += 1
            return None
        tags = hit.get("_tags") if isinstance(hit.get("_tags"), list) else []
        is_comment = "comment" in tags or (hit.get("comment_text") is not None and not hit.get("title"))
        body = hit.get("comment_text") if is_comment else hit.get("story_text")
        try:
            # a title is plain text, not HTML: "Vec<T>", "Q&notes" kept as written (only the texts are markup)
            title = hit.get("title") if not is_comment and isinstance(hit.get("title"), str) else None
            title = cell_text(title, "title")
            title = _TITLE_ENTITY.sub(lambda m: unescape_html(m.group()), title) if title else None
            title = title.strip() or None if title else None
            body = plain_text(body if isinstance(body, str) else None)
        except Rejected as exc:
            return self._reject(str(exc), hit)
        if body is None and title is None:
            self._stats["skipped_deleted"] += 1
            return None
        if not self.matcher.matches(title, body):
            self._stats["not_about_brand"] += 1
            return None
        points, comments = _count(hit.get("points")), _count(hit.get("num_comments"))
        engagement = None if points is None and comments is None else (points or 0) + (comments or 0)
        story_url = hit.get("url") if not is_comment and isinstance(hit.get("url"), str) else None
        author = hit.get("author") if isinstance(hit.get("author"), str) else None
        try:
            item = self.record(
                object_id,
                self.kind,
                body or title,
                created,
                channel="hackernews",
                author_hash=self.pseudonymise(author),
                title=title,
                url=story_url or ITEM_URL.format(object_id),
                engagement=engagement,
            )
        except Rejected as exc:  # a value out of range (engagement over 1e12): this hit, not the whole source
            return self._reject(str(exc), hit)
        self._newest = created if self._newest is None or created > self._newest else self._newest
        return item

    @staticmethod
    def _created(hit: dict) -> datetime:
        seconds = hit.get("created_at_i")
        if isinstance(seconds, int | float) and not isinstance(seconds, bool):
            return parse_utc(seconds, "created_at_i")
        if not isinstance(hit.get("created_at"), str):
            raise Rejected("hit has no created_at_i or created_at")
        return parse_utc(hit["created_at"], "created_at", unix=False, noun="time")

    def _reject(self, reason: str, hit) -> Reject:
        """A quarantined hit (author hashed), keyed by its objectID, else by the hit without its counters."""
        raw = self._redacted(hit)
        stable = {k: v for k, v in raw.items() if k not in VOLATILE} if isinstance(raw, dict) else raw
        native_id = raw.get("objectID") if isinstance(raw, dict) else None
        return self.reject(reason, raw, "hackernews", identity=identity(native_id, stable))

    def _redacted(self, hit):
        """The hit with its author (and the author tag and highlight) replaced by the author's keyed hash."""
        if not isinstance(hit, dict):
            return hit
        author = hit.get("author") if isinstance(hit.get("author"), str) else None
        hashed = f"hmac:{self.pseudonymise(author)}"
        out = {**hit, "author": hashed}
        if isinstance(hit.get("_tags"), list):
            out["_tags"] = [f"author_{hashed}" if str(t).startswith("author_") else t for t in hit["_tags"]]
        if isinstance(hit.get("_highlightResult"), dict) and "author" in hit["_highlightResult"]:
            out["_highlightResult"] = {**hit["_highlightResult"], "author": {"value": hashed}}
        return out

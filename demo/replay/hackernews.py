"""A fake of the Algolia Hacker News search API (``hn.algolia.com/api/v1``), mounted on a ReplayServer.

    with ReplayServer() as server:
        HackerNewsAPI(items).mount(server)
        # GET {server.url}/api/v1/search_by_date?query=parcelo&tags=(story,comment)
        #     &numericFilters=created_at_i>=1790812800,created_at_i<1790899200&hitsPerPage=100&page=0

``items`` is a list of dicts::

    {"id": 41234567,                 # objectID (served as a string), story_id of a story
     "kind": "story" | "comment",
     "author": "pg",
     "created": datetime | ISO str,  # created_at ("…Z") and created_at_i
     "title": "…", "url": "…",      # stories
     "text": "…",                   # story_text / comment_text, served as given: HN's HTML (&#x27;, <p>, <a>)
     "points": 12, "num_comments": 3,               # stories (comments carry neither, like Algolia's)
     "story_id": 41234500, "parent_id": 41234560,   # comments
     "story_title": "…", "story_url": "…",          # comments; default: looked up from the story in items
     "deleted": True,                # optional: a deleted/dead item, served with no author and no text
     "raw": {...}}                   # optional: served verbatim as the hit, for every query (malformed hits)

Like Algolia: ``search_by_date`` newest first (``search`` orders by points); ``query`` words (and "quoted
phrases") must all occur, matched loosely as case-insensitive substrings of the title, url, author, text and,
for comments, the story title (so ``parcelo`` also finds "myparcelo" and comments under a Parcelo story;
clients filter); ``tags`` with ``,`` = AND and ``(a,b)`` = OR over ``story``, ``comment``, ``ask_hn``,
``show_hn``, ``author_X``, ``story_N``; ``numericFilters`` on ``created_at_i``, ``points``, ``num_comments``;
``hitsPerPage`` (default 20, at most 1000) and ``page``; at most ``pagination_limit`` (1,000) hits of a query
are served, so ``nbPages`` stops there while ``nbHits`` counts them all. Hits carry ``_highlightResult``,
``_tags``, ``children`` (stories) and ``updated_at``.
"""

from __future__ import annotations

import math
import operator
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from demo.replay.server import ReplayServer, Request, Response

_OPS = {">=": operator.ge, "<=": operator.le, "!=": operator.ne, ">": operator.gt, "<": operator.lt, "=": operator.eq}
_FILTER = re.compile(r"^\s*(\w+)\s*(>=|<=|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*$")


def _time(value) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _strip(markup: str | None) -> str:
    return re.sub(r"<[^>]+>", " ", markup or "")


def _terms(query: str) -> list[str]:
    return [(a or b).lower() for a, b in re.findall(r'"([^"]+)"|(\S+)', query or "") if (a or b).strip()]


def _tag_groups(tags: str) -> list[set[str]]:
    """Algolia's tag filter: comma = AND, a parenthesised group = OR."""
    groups, depth, current = [], 0, ""
    for ch in tags or "":
        if ch == "," and depth == 0:
            groups.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(ch, 0)
        current += ch
    groups.append(current)
    return [{t.strip() for t in g.strip().strip("()").split(",") if t.strip()} for g in groups if g.strip()]


class HackerNewsAPI:
    def __init__(self, items: list[dict], pagination_limit: int = 1000):
        self.items = list(items)
        self.pagination_limit = pagination_limit
        self.stories = {it["id"]: it for it in self.items if it.get("kind") == "story" and "id" in it}

    def mount(self, server: ReplayServer) -> HackerNewsAPI:
        server.route("GET", r"^/api/v1/search_by_date$", self._search)
        server.route("GET", r"^/api/v1/search$", self._search)
        return self

    # -- the hit an item is served as ------------------------------------------------------------------------

    def _tags(self, it: dict) -> list[str]:
        kind = it.get("kind", "story")
        story_id = it.get("story_id") or (it.get("id") if kind == "story" else None)
        tags = [kind, f"author_{it.get('author')}", f"story_{story_id}"]
        if it.get("deleted") or not it.get("author"):
            tags.remove(f"author_{it.get('author')}")
        title = it.get("title") or ""
        if kind == "story" and title.startswith("Ask HN"):
            tags.append("ask_hn")
        if kind == "story" and title.startswith("Show HN"):
            tags.append("show_hn")
        return tags

    def _fields(self, it: dict) -> dict:
        """The searchable fields of an item, as served."""
        deleted = bool(it.get("deleted"))
        if it.get("kind") == "comment":
            story = self.stories.get(it.get("story_id"), {})
            return {
                "author": None if deleted else it.get("author"),
                "comment_text": None if deleted else it.get("text"),
                "story_title": it.get("story_title", story.get("title")),
                "story_url": it.get("story_url", story.get("url")),
            }
        fields = {"author": None if deleted else it.get("author"), "title": None if deleted else it.get("title")}
        if it.get("url") and not deleted:
            fields["url"] = it["url"]
        if it.get("text") and not deleted:
            fields["story_text"] = it["text"]
        return fields

    @staticmethod
    def _highlight(fields: dict, terms: list[str]) -> dict:
        out = {}
        for name, value in fields.items():
            if value is None:
                continue
            matched = [t for t in terms if t in _strip(value).lower()]
            marked = value
            for t in matched:
                marked = re.sub(re.escape(t), lambda m: f"<em>{m.group()}</em>", marked, flags=re.IGNORECASE)
            level = "none" if not matched else "full" if len(matched) == len(terms) else "partial"
            entry = {"matchLevel": level, "matchedWords": matched, "value": marked}
            if matched:
                entry["fullyHighlighted"] = False
            out[name] = entry
        return out

    def _hit(self, it: dict, terms: list[str]) -> dict:
        if "raw" in it:
            return it["raw"]
        created = _time(it.get("created"))
        fields = self._fields(it)
        hit = {
            "_highlightResult": self._highlight(fields, terms),
            "_tags": self._tags(it),
            **{k: v for k, v in fields.items() if k != "story_text" or v is not None},
            "created_at": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if created else it.get("created"),
            "created_at_i": int(created.timestamp()) if created else None,
            "objectID": str(it["id"]),
            "updated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if it.get("kind") == "comment":
            hit["parent_id"] = it.get("parent_id", it.get("story_id"))
            hit["story_id"] = it.get("story_id")
        else:
            hit["children"] = [c["id"] for c in self.items if c.get("parent_id") == it.get("id") and "id" in c]
            hit["num_comments"] = it.get("num_comments", 0)
            hit["points"] = it.get("points", 1)
            hit["story_id"] = it.get("id")
        return dict(sorted(hit.items()))

    # -- search ----------------------------------------------------------------------------------------------

    def _matches(self, it: dict, terms: list[str], groups: list[set[str]], filters: list) -> bool:
        created = _time(it.get("created"))
        numbers = {
            "created_at_i": int(created.timestamp()) if created else None,
            "points": it.get("points"),
            "num_comments": it.get("num_comments"),
        }
        for field, op, value in filters:
            if numbers.get(field) is None or not op(numbers[field], value):
                return False
        if "raw" in it:
            return True
        tags = set(self._tags(it))
        if any(not (group & tags) for group in groups):
            return False
        haystack = " ".join(_strip(v) for v in self._fields(it).values() if isinstance(v, str)).lower()
        return all(t in haystack for t in terms)

    def _search(self, req: Request, m) -> Response:
        q = req.query
        filters = []
        for part in (q.get("numericFilters") or "").split(","):
            if not part.strip():
                continue
            fm = _FILTER.match(part)
            if not fm:
                return Response(400, {"message": f"invalid numericFilters: {part!r}", "status": 400})
            filters.append((fm.group(1), _OPS[fm.group(2)], float(fm.group(3))))
        try:
            per_page = min(1000, max(1, int(q.get("hitsPerPage", 20))))
            page = max(0, int(q.get("page", 0)))
        except ValueError:
            return Response(400, {"message": "hitsPerPage and page must be integers", "status": 400})
        terms, groups = _terms(q.get("query", "")), _tag_groups(q.get("tags", ""))
        found = [it for it in self.items if self._matches(it, terms, groups, filters)]
        if req.path.endswith("search_by_date"):
            never = datetime.max.replace(tzinfo=UTC)
            found.sort(key=lambda it: _time(it.get("created")) or never, reverse=True)
        else:
            found.sort(key=lambda it: it.get("points") or 0, reverse=True)
        servable = found[: self.pagination_limit]
        chunk = servable[page * per_page : (page + 1) * per_page]
        params = urlencode({**q, "advancedSyntax": "true", "analyticsTags": "backend"})
        return Response(
            200,
            {
                "exhaustive": {"nbHits": True, "typo": True},
                "exhaustiveNbHits": True,
                "exhaustiveTypo": True,
                "hits": [self._hit(it, terms) for it in chunk],
                "hitsPerPage": per_page,
                "nbHits": len(found),
                "nbPages": math.ceil(len(servable) / per_page),
                "page": page,
                "params": params,
                "processingTimeMS": 1,
                "processingTimingsMS": {"_request": {"roundTrip": 12}, "total": 1},
                "query": q.get("query", ""),
                "serverTimeMS": 2,
            },
        )

"""Sources turn the outside world into normalised records for one brand over one time window.

Holds one module per source (``filedrop``, ``reddit``, ``appstore``, ``googleplay``, ``hackernews``), their
base class (:mod:`.base`) and the alias matcher and repost key (:mod:`.relevance`), and :func:`build_source`,
the registry.

May import :mod:`pipeline.records`, :mod:`pipeline.http`, :mod:`pipeline.files`, :mod:`pipeline.config`; never
the warehouse or the run ledger (:mod:`pipeline.staging` reads a source's stored state and hands it over), and
nothing above them. Inside: the implementations import :mod:`.base`, which imports :mod:`.relevance`; no
implementation imports another. In brandpulse only :mod:`pipeline.staging` imports this package.

The contract every source keeps:

- ``fetch(window)`` yields :class:`~pipeline.records.Record` (a mention or review created inside
  ``[window.start, window.end)``) and :class:`~pipeline.records.Reject` (input that could not be understood,
  with the reason and the raw record); anything else it passes over is a counted skip.
- ``native_id`` is the id the source itself gives an item, so re-reading a window yields the same keys and the
  warehouse upsert makes re-runs idempotent.
- Authors are pseudonymised with :class:`~pipeline.records.Pseudonymiser` before a record leaves the source.
- A source may read its ``previous_state`` (loaded from the warehouse's ``source_state`` table) and leave a new
  ``state`` (a cursor or watermark) and ``warnings`` (e.g. a listing that hit Reddit's 1,000-item cap). The
  load step stores the state in the same transaction as the rows, so state never runs ahead of the data.
- ``watch_run`` is true when the read is an hourly watch run's (:mod:`pipeline.watch`): it is there for the fresh
  items, and the night that follows re-reads the whole day. A source may leave to the night what only reconciles
  (Reddit's followed threads), and then leaves the state that part keeps as it was, so a watch-then-night
  warehouse is a night-only one.
- A source that cannot do its job raises (:class:`~pipeline.sources.base.SourceError` for a clear reason): its
  own task fails and the night goes on for the other sources.

:func:`build_source` picks the implementation for a configured source. Implementations are imported by name
when first used, so a file-drop task never loads PRAW or google-play-scraper.
"""

from __future__ import annotations

import importlib

from pipeline.config import BrandSpec, Config, ConfigError
from pipeline.records import Pseudonymiser

_IMPLEMENTATIONS = {
    "file_drop": ("pipeline.sources.filedrop", "FileDrop"),
    "reddit": ("pipeline.sources.reddit", "RedditSource"),
    "app_store": ("pipeline.sources.appstore", "AppStoreSource"),
    "google_play": ("pipeline.sources.googleplay", "GooglePlaySource"),
    "hackernews": ("pipeline.sources.hackernews", "HackerNewsSource"),
}


def build_source(config: Config, brand: BrandSpec, source_name: str):
    """The source object for ``brand``'s configured source ``source_name``."""
    for spec in brand.sources:
        if spec.name == source_name:
            module, cls = _IMPLEMENTATIONS[spec.type]
            return getattr(importlib.import_module(module), cls)(config, brand, spec, Pseudonymiser(config))
    raise ConfigError(f"{config.source_file}: brand {brand.key!r} has no source named {source_name!r}")

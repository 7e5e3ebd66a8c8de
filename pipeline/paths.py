"""Where things are by default: the repository (a checkout's root) and the warehouse file.

Apart from :mod:`pipeline.config` so that the warehouse and the command line's light commands (``brandpulse
sql``) read them without loading the config models (pydantic)."""

from __future__ import annotations

from pathlib import Path

DEFAULT_DB = Path("data/brandpulse.duckdb")
REPO_ROOT = Path(__file__).resolve().parents[1]

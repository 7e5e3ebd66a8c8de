"""Query results as pandas DataFrames, columns named as the query names them.

Not DuckDB's ``.df()``: that turns DATE columns into datetime64, and the steps compare days with
:class:`datetime.date`. A module of its own so that :mod:`pipeline.warehouse`, which every extract task
imports, never loads pandas.
"""

from __future__ import annotations

import duckdb
import pandas as pd


def frame(cursor: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every row of the last result as a DataFrame, by column name."""
    return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])

"""The warehouse's SQL, installed as the package ``pipeline.sql`` (see ``pyproject.toml``); no Python here.

- ``migrations/NNNN_name.sql``: the schema, applied once each, in order;
- ``views/*.sql``: re-created after every migration;
- ``queries/**/*.sql``: the statements the steps run (``pipeline.warehouse.sql(name)``).
"""

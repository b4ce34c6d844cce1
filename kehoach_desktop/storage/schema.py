"""The schema revision this version of the application writes.

Kept as a constant so that opening an up-to-date workspace needs no Alembic import
(start-up time); a test checks it against the migration scripts' head.
"""

SCHEMA_HEAD = "0005"

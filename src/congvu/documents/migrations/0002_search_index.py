"""The search index: a folded tsvector column + GIN index on PostgreSQL, an FTS5 table on SQLite.

The text is folded in Python (core.text.fold) so no ``unaccent`` extension is needed; the 'simple'
configuration keeps the folded words as they are.  Other databases get nothing (LIKE fallback).
"""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE documents_searchentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED",
    "CREATE INDEX documents_searchentry_tsv_gin ON documents_searchentry USING GIN (tsv)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS documents_searchentry_tsv_gin",
    "ALTER TABLE documents_searchentry DROP COLUMN IF EXISTS tsv",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        try:
            schema_editor.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(text, tokenize='unicode61')")
        except Exception:  # noqa: BLE001 - SQLite built without FTS5: search falls back to LIKE
            pass


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS documents_fts")


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]

"""A result version's JSON columns as PostgreSQL `json`, lz4-compressed where the server has lz4 (see
scoring.models.RowJSONField: jsonb's conversion and pglz compression were most of writing 1,000 results).
Nothing to do elsewhere (SQLite keeps JSON as text)."""

from django.db import migrations

COLUMNS = ("missing", "flags", "dimensions", "indicators")


def _alter(schema_editor, type_: str, compression: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT %s = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'",
                       [compression])
        supported = bool((cursor.fetchone() or [False])[0])
    clauses = [f"ALTER COLUMN {c} TYPE {type_} USING {c}::{type_}" for c in COLUMNS]
    if supported:
        clauses += [f"ALTER COLUMN {c} SET COMPRESSION {compression}" for c in COLUMNS]
    schema_editor.execute(f"ALTER TABLE scoring_resultversion {', '.join(clauses)}")


def forwards(apps, schema_editor):
    _alter(schema_editor, "json", "lz4")


def backwards(apps, schema_editor):
    _alter(schema_editor, "jsonb", "pglz")


class Migration(migrations.Migration):

    dependencies = [("scoring", "0007_h17_one_scale")]

    operations = [migrations.RunPython(forwards, backwards)]

"""The audit trail is append-only in the database too: PostgreSQL refuses UPDATE and DELETE on its rows.

(The model refuses them in Python on every database; this guards raw SQL, the shell and other clients.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION evaluations_campaignevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计记录不可修改或删除 (evaluations_campaignevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER evaluations_campaignevent_append_only
    BEFORE UPDATE OR DELETE ON evaluations_campaignevent
    FOR EACH ROW EXECUTE FUNCTION evaluations_campaignevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS evaluations_campaignevent_append_only ON evaluations_campaignevent;
DROP FUNCTION IF EXISTS evaluations_campaignevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0002_workflow")]
    operations = [migrations.RunPython(forwards, backwards)]

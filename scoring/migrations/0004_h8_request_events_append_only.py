"""The requests register's audit trail is append-only in PostgreSQL too (as evaluations' CampaignEvent)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION scoring_requestevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '事项办理记录不可修改或删除 (scoring_requestevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER scoring_requestevent_append_only BEFORE UPDATE OR DELETE ON scoring_requestevent
    FOR EACH ROW EXECUTE FUNCTION scoring_requestevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS scoring_requestevent_append_only ON scoring_requestevent;
DROP FUNCTION IF EXISTS scoring_requestevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("scoring", "0003_h8_register")]
    operations = [migrations.RunPython(forwards, backwards)]

"""One session setting lets TRUNCATE through the append-only tables: `bianzhi.audit_maintenance = on`.

Three branches each added a trigger with a setting of its own (`bianzhi.audit_truncate = allow` for the
campaign's audit trail, `bianzhi.allow_truncate = on` for the pool ledger, `bianzhi.audit_maintenance = on`
for the security audit). Only the test runner's flush and `manage.py restore` set it; production never does.
"""

from django.db import migrations

EVENTS = """
CREATE OR REPLACE FUNCTION evaluations_campaignevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('{setting}', true) = '{value}' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '审计记录不可修改或删除 (evaluations_campaignevent is append-only)';
END;
$$ LANGUAGE plpgsql;
"""
POOL = """
CREATE OR REPLACE FUNCTION bianzhi_pool_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND coalesce(current_setting('{setting}', true), '') = '{value}' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '周转池台账不可修改或删除，请以冲正记录更正 (% on % refused)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""
ONE = {"setting": "bianzhi.audit_maintenance", "value": "on"}
BEFORE = ({"setting": "bianzhi.audit_truncate", "value": "allow"}, {"setting": "bianzhi.allow_truncate", "value": "on"})


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EVENTS.format(**ONE), params=None)
        schema_editor.execute(POOL.format(**ONE), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EVENTS.format(**BEFORE[0]), params=None)
        schema_editor.execute(POOL.format(**BEFORE[1]), params=None)


class Migration(migrations.Migration):
    dependencies = [("bianzhi", "0006_merge_h8"), ("evaluations", "0011_h14_followup")]
    operations = [migrations.RunPython(forwards, backwards)]

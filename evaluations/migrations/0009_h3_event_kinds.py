"""Typed events: the type is a plain string (the types live in Python, a new one needs no migration), the row
keeps the actor's name, and PostgreSQL refuses TRUNCATE of the audit trail as it refuses UPDATE and DELETE.

The test settings let the test runner's flush TRUNCATE (a session setting, `bianzhi.audit_truncate=allow`);
nothing else sets it.
"""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION evaluations_campaignevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('bianzhi.audit_truncate', true) = 'allow' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '审计记录不可修改或删除 (evaluations_campaignevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER evaluations_campaignevent_no_truncate
    BEFORE TRUNCATE ON evaluations_campaignevent
    FOR EACH STATEMENT EXECUTE FUNCTION evaluations_campaignevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS evaluations_campaignevent_no_truncate ON evaluations_campaignevent;
CREATE OR REPLACE FUNCTION evaluations_campaignevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计记录不可修改或删除 (evaluations_campaignevent is append-only)';
END;
$$ LANGUAGE plpgsql;
"""

# The actor's name onto the rows written before it was kept (the trigger refuses UPDATE: lift it meanwhile).
BACKFILL = """
ALTER TABLE evaluations_campaignevent DISABLE TRIGGER evaluations_campaignevent_append_only;
UPDATE evaluations_campaignevent e
   SET actor_name = COALESCE(NULLIF(TRIM(u.first_name || ' ' || u.last_name), ''), u.username)
  FROM bianzhi_user u WHERE u.id = e.actor_id AND e.actor_name = '';
ALTER TABLE evaluations_campaignevent ENABLE TRIGGER evaluations_campaignevent_append_only;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL)
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0008_upload_sheet_evidence")]
    operations = [
        migrations.AlterField(
            model_name="campaignevent", name="type",
            field=models.CharField(db_index=True, max_length=48, verbose_name="事件"),
        ),
        migrations.AddField(
            model_name="campaignevent", name="actor_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="操作人姓名"),
        ),
        migrations.RunPython(forwards, backwards),
    ]

"""The security audit is append-only in the database too: PostgreSQL refuses UPDATE, DELETE and TRUNCATE.

Two narrow exits, each needing a setting made on purpose in the session:
- `bianzhi.audit_archive = on` (set by `manage.py security_audit_archive` inside its transaction) lets DELETE
  remove rows older than `bianzhi.audit_retention_days`, after the command has written them to an archive file;
- `bianzhi.audit_maintenance = on` lets TRUNCATE empty the table (the test runner's flush between tests).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_securityevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('bianzhi.audit_archive', true) = 'on'
       AND OLD.created_at < now() - make_interval(
           days => GREATEST(COALESCE(NULLIF(current_setting('bianzhi.audit_retention_days', true), ''), '180')::int, 1)) THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'TRUNCATE' AND current_setting('bianzhi.audit_maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '安全审计记录不可修改或删除 (accounts_securityevent is append-only)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_securityevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_securityevent
    FOR EACH ROW EXECUTE FUNCTION accounts_securityevent_append_only();
CREATE TRIGGER accounts_securityevent_no_truncate
    BEFORE TRUNCATE ON accounts_securityevent
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_securityevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS accounts_securityevent_append_only ON accounts_securityevent;
DROP TRIGGER IF EXISTS accounts_securityevent_no_truncate ON accounts_securityevent;
DROP FUNCTION IF EXISTS accounts_securityevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

"""The 编制周转池 ledger's guards in PostgreSQL (the services check the same in Python):

- movements and lines are append-only: UPDATE, DELETE and TRUNCATE are refused (a mistake is corrected by a
  reversing movement). TRUNCATE is let through only where a session sets `bianzhi.allow_truncate = on`:
  the test settings do, so pytest-django can empty the tables between transactional tests.
- each movement is balanced: a deferred constraint trigger checks at commit that its lines sum to zero.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION bianzhi_pool_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND coalesce(current_setting('bianzhi.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '周转池台账不可修改或删除，请以冲正记录更正 (% on % refused)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER bianzhi_poolmovement_append_only BEFORE UPDATE OR DELETE ON bianzhi_poolmovement
    FOR EACH ROW EXECUTE FUNCTION bianzhi_pool_append_only();
CREATE TRIGGER bianzhi_poolmovement_no_truncate BEFORE TRUNCATE ON bianzhi_poolmovement
    FOR EACH STATEMENT EXECUTE FUNCTION bianzhi_pool_append_only();
CREATE TRIGGER bianzhi_poolline_append_only BEFORE UPDATE OR DELETE ON bianzhi_poolline
    FOR EACH ROW EXECUTE FUNCTION bianzhi_pool_append_only();
CREATE TRIGGER bianzhi_poolline_no_truncate BEFORE TRUNCATE ON bianzhi_poolline
    FOR EACH STATEMENT EXECUTE FUNCTION bianzhi_pool_append_only();

CREATE OR REPLACE FUNCTION bianzhi_poolline_balanced() RETURNS trigger AS $$
DECLARE total bigint;
BEGIN
    SELECT coalesce(sum(amount), 0) INTO total FROM bianzhi_poolline WHERE movement_id = NEW.movement_id;
    IF total <> 0 THEN
        RAISE EXCEPTION '周转池业务 % 借贷不平衡（合计 %）', NEW.movement_id, total;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER bianzhi_poolline_balanced AFTER INSERT ON bianzhi_poolline
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bianzhi_poolline_balanced();
"""
DROP = """
DROP TRIGGER IF EXISTS bianzhi_poolline_balanced ON bianzhi_poolline;
DROP TRIGGER IF EXISTS bianzhi_poolline_no_truncate ON bianzhi_poolline;
DROP TRIGGER IF EXISTS bianzhi_poolline_append_only ON bianzhi_poolline;
DROP TRIGGER IF EXISTS bianzhi_poolmovement_no_truncate ON bianzhi_poolmovement;
DROP TRIGGER IF EXISTS bianzhi_poolmovement_append_only ON bianzhi_poolmovement;
DROP FUNCTION IF EXISTS bianzhi_poolline_balanced();
DROP FUNCTION IF EXISTS bianzhi_pool_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("bianzhi", "0004_h8_pool")]
    operations = [migrations.RunPython(forwards, backwards)]

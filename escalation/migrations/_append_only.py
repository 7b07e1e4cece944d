"""The database refuses to change or delete StageChange rows (history is append-only):
installed by 0002, stepped aside and reinstalled by a migration that changes the table."""

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION escalation_stagechange_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'stage history is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER escalation_stagechange_append_only
    BEFORE UPDATE OR DELETE ON escalation_stagechange
    FOR EACH ROW EXECUTE FUNCTION escalation_stagechange_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS escalation_stagechange_append_only ON escalation_stagechange;
DROP FUNCTION IF EXISTS escalation_stagechange_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER escalation_stagechange_no_update BEFORE UPDATE ON escalation_stagechange
       BEGIN SELECT RAISE(ABORT, 'stage history is append-only (UPDATE refused)'); END;""",
    """CREATE TRIGGER escalation_stagechange_no_delete BEFORE DELETE ON escalation_stagechange
       BEGIN SELECT RAISE(ABORT, 'stage history is append-only (DELETE refused)'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS escalation_stagechange_no_update;",
    "DROP TRIGGER IF EXISTS escalation_stagechange_no_delete;",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)

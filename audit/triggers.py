"""Trigger SQL for the audited tables (registry.py), generated for PostgreSQL and SQLite from
the same declaration, and the append-only guard on the audit table itself.

PostgreSQL: one statement-level trigger per operation and table with transition tables, so a
sweep's ``bulk_create`` or ``.update()`` of a thousand rows writes its audit rows in one
INSERT ... SELECT rather than a thousand function calls. Rows are whole-row ``to_jsonb`` (new
columns are picked up without regenerating anything). An UPDATE that changes nothing is not
recorded.

SQLite (the run command): row-level triggers (SQLite has no other kind) naming the columns,
so they are regenerated after every ``migrate`` (apps.py), and dropped before one: Django
rebuilds a SQLite table to alter it, which would drop them anyway, and a trigger that joins a
table being rebuilt would break the rename.

On PostgreSQL ``post_migrate`` only adds missing triggers: a change to the SQL generated here
needs a new migration that calls ``triggers_install``.
"""

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from audit.models import REDACTABLE
from audit.registry import audited_models

AUDIT_TABLE = "audit_auditevent"
OPERATIONS = ("insert", "update", "delete")
GUARD_NAMES = ("audit_auditevent_no_update", "audit_auditevent_no_delete")
COLUMNS = (
    "at, actor_id, actor_label, operation, table_name, row_id, learner_id, before, after, detail"
)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def trigger_name(table: str, operation: str) -> str:
    return f"audit_{table}_{operation}"[:63]


def learner_expression(model: type[models.Model], path: str | None, row: str) -> str:
    """SQL for the learner id of ``row`` (an alias): its own id, a column, or a chain of
    scalar subqueries along foreign keys ("request__learner")."""
    if path is None:
        return "NULL"
    if path == "":
        return f"{row}.{_q(model._meta.pk.column)}"
    first, *rest = path.split("__")
    field = model._meta.get_field(first)
    expression = f"{row}.{_q(field.column)}"
    current = field.related_model
    for part in rest:
        step = current._meta.get_field(part)
        expression = (
            f"(SELECT t.{_q(step.column)} FROM {_q(current._meta.db_table)} t "
            f"WHERE t.{_q(current._meta.pk.column)} = {expression})"
        )
        current = step.related_model
    return expression


# --- PostgreSQL -----------------------------------------------------------------------------

PG_ACTOR = (
    "nullif(current_setting('audit.actor_id', true), '')::bigint, "
    "coalesce(nullif(current_setting('audit.actor_label', true), ''), 'system')"
)


def postgres_sql(model: type[models.Model], path: str | None) -> list[str]:
    table = model._meta.db_table
    pk = _q(model._meta.pk.column)
    function = _q(f"audit_record_{table}"[:63])
    learner_new = f"({learner_expression(model, path, 'n')})::bigint"
    learner_old = f"({learner_expression(model, path, 'o')})::bigint"
    head = f"INSERT INTO {AUDIT_TABLE} ({COLUMNS}) SELECT now(), {PG_ACTOR}, lower(TG_OP), "
    body = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {head}TG_TABLE_NAME, n.{pk}, {learner_new}, NULL, to_jsonb(n), ''
        FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
        {head}TG_TABLE_NAME, c.row_id, c.learner_id, c.before, c.after, ''
        FROM (
            SELECT n.{pk} AS row_id, {learner_new} AS learner_id,
                   to_jsonb(o) AS before, to_jsonb(n) AS after
            FROM old_rows o JOIN new_rows n ON n.{pk} = o.{pk}
        ) c
        WHERE c.before IS DISTINCT FROM c.after;
    ELSE
        {head}TG_TABLE_NAME, o.{pk}, {learner_old}, to_jsonb(o), NULL, ''
        FROM old_rows o;
    END IF;
    RETURN NULL;
END;
$$;"""
    referencing = {
        "insert": "NEW TABLE AS new_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
    }
    statements = [body]
    for operation in OPERATIONS:
        name = _q(trigger_name(table, operation))
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {_q(table)};",
            f"CREATE TRIGGER {name} AFTER {operation.upper()} ON {_q(table)} "
            f"REFERENCING {referencing[operation]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
        ]
    return statements


# The guard on the audit table. DELETE is always refused. UPDATE is refused too, unless the
# transaction set the redaction flag (audit/redaction.py), and then only the REDACTABLE
# columns may change and ``redacted_at`` must be stamped. ``redactable=False`` gives the strict
# guard of before the redaction path (migration 0002's state, and 0003's reverse).
REDACTING = "audit.redacting"
GUARD_REFUSED = "the audit trail is append-only (%s refused)"
GUARD_REDACTION = (
    "the audit trail is append-only (a redaction may change only before, after, detail and "
    "redacted_at, and must set redacted_at)"
)


def postgres_guard(redactable: bool = True) -> list[str]:
    kept = ", ".join(f"'{column}'" for column in REDACTABLE)
    redaction = f"""
    IF TG_OP = 'UPDATE' AND current_setting('{REDACTING}', true) = 'on' THEN
        -- Whole rows minus the content columns: a column added later is protected too.
        IF to_jsonb(NEW) ->> 'redacted_at' IS NULL
           OR to_jsonb(NEW) - ARRAY[{kept}] IS DISTINCT FROM to_jsonb(OLD) - ARRAY[{kept}] THEN
            RAISE EXCEPTION '{GUARD_REDACTION}';
        END IF;
        RETURN NEW;
    END IF;"""
    refused = GUARD_REFUSED % "%"
    return [
        f"""CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN{redaction if redactable else ""}
    RAISE EXCEPTION '{refused}', TG_OP;
END;
$$ LANGUAGE plpgsql;""",
        "DROP TRIGGER IF EXISTS audit_auditevent_no_update ON audit_auditevent;",
        "DROP TRIGGER IF EXISTS audit_auditevent_no_delete ON audit_auditevent;",
        """CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();""",
        """CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();""",
    ]


# --- SQLite ---------------------------------------------------------------------------------

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _sqlite_row(model: type[models.Model], row: str) -> str:
    parts = []
    for field in model._meta.concrete_fields:
        value = f"{row}.{_q(field.column)}"
        if isinstance(field, models.JSONField):
            value = f"json({value})"  # nested JSON, not a string holding JSON
        parts.append(f"'{field.column}', {value}")
    return f"json_object({', '.join(parts)})"


def sqlite_sql(model: type[models.Model], path: str | None) -> list[str]:
    table = model._meta.db_table
    pk = _q(model._meta.pk.column)
    changed = " OR ".join(
        f"OLD.{_q(f.column)} IS NOT NEW.{_q(f.column)}" for f in model._meta.concrete_fields
    )
    values = {
        "insert": ("NEW", "NULL", _sqlite_row(model, "NEW"), ""),
        "update": ("NEW", _sqlite_row(model, "OLD"), _sqlite_row(model, "NEW"), f"WHEN {changed}"),
        "delete": ("OLD", _sqlite_row(model, "OLD"), "NULL", ""),
    }
    statements = []
    for operation, (row, before, after, when) in values.items():
        name = _q(trigger_name(table, operation))
        statements += [
            f"DROP TRIGGER IF EXISTS {name};",
            f"""CREATE TRIGGER {name} AFTER {operation.upper()} ON {_q(table)} {when}
BEGIN
    INSERT INTO {AUDIT_TABLE} ({COLUMNS}) VALUES ({SQLITE_NOW}, audit_actor_id(),
        audit_actor_label(), '{operation}', '{table}', {row}.{pk},
        {learner_expression(model, path, row)}, {before}, {after}, '');
END;""",
        ]
    return statements


def sqlite_guard(audit_model: type[models.Model], redactable: bool = True) -> list[str]:
    """SQLite names the columns: regenerated after every migrate (triggers_install), so a
    column added later is checked too. ``audit_redacting()`` is an application function
    (audit/redaction.py); a connection without it (the sqlite3 shell) cannot update at all."""
    refuse_update = f"SELECT RAISE(ABORT, '{GUARD_REFUSED % 'UPDATE'}')"
    if redactable:
        changed = " OR ".join(
            f"NEW.{_q(f.column)} IS NOT OLD.{_q(f.column)}"
            for f in audit_model._meta.concrete_fields
            if f.column not in REDACTABLE
        )
        update_body = f"""{refuse_update} WHERE NOT audit_redacting();
    SELECT RAISE(ABORT, '{GUARD_REDACTION}') WHERE NEW.redacted_at IS NULL OR {changed};"""
    else:
        update_body = f"{refuse_update};"
    return [
        "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
        f"""CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
BEGIN
    {update_body}
END;""",
        "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
        f"""CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, '{GUARD_REFUSED % "DELETE"}'); END;""",
    ]


def guard_install(apps, connection: BaseDatabaseWrapper, redactable: bool | None = None) -> None:
    """(Re)create the audit table's guard. ``redactable`` defaults to whether the audit model
    in ``apps`` has ``redacted_at`` yet (a migration's historical state may not)."""
    audit_model = apps.get_model("audit", "AuditEvent")
    if redactable is None:
        redactable = any(f.name == "redacted_at" for f in audit_model._meta.concrete_fields)
    if connection.vendor == "postgresql":
        statements = postgres_guard(redactable)
    elif connection.vendor == "sqlite":
        statements = sqlite_guard(audit_model, redactable)
    else:
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# --- installing and checking ----------------------------------------------------------------


def expected_triggers(apps) -> dict[str, set[str]]:
    """Table -> trigger names that must exist on it."""
    expected = {
        model._meta.db_table: {trigger_name(model._meta.db_table, op) for op in OPERATIONS}
        for model, _entry in audited_models(apps)
    }
    expected[AUDIT_TABLE] = set(GUARD_NAMES)
    return expected


def installed_triggers(connection: BaseDatabaseWrapper) -> dict[str, set[str]]:
    if connection.vendor == "postgresql":
        sql = (
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal"
        )
    elif connection.vendor == "sqlite":
        sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
    else:
        return {}
    found: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
    return found


def triggers_missing(apps, connection: BaseDatabaseWrapper) -> dict[str, set[str]]:
    installed = installed_triggers(connection)
    missing = {
        table: names - installed.get(table, set())
        for table, names in expected_triggers(apps).items()
    }
    return {table: names for table, names in missing.items() if names}


def triggers_install(apps, connection: BaseDatabaseWrapper) -> None:
    """(Re)create every audit trigger. Idempotent; other vendors get none."""
    if connection.vendor == "postgresql":
        generate = postgres_sql
    elif connection.vendor == "sqlite":
        generate = sqlite_sql
    else:
        return
    guard_install(apps, connection)
    with connection.cursor() as cursor:
        for model, entry in audited_models(apps):
            for statement in generate(model, entry.learner):
                cursor.execute(statement)


def sqlite_triggers_drop(connection: BaseDatabaseWrapper) -> None:
    """Before a SQLite migrate: the change triggers go (the guard stays), post_migrate
    recreates them from the models as they are after it."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = [name for (name,) in cursor.fetchall()]
        for name in names:
            if name.startswith("audit_") and name not in GUARD_NAMES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_q(name)}")

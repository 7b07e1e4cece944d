"""The ILR withdrawal reasons for 2026/27, the exit-review themes, and append-only withdrawal
events (the database refuses to change or delete them, as it does for stage history)."""

from django.db import migrations

ILR_YEAR = "2026/27"
# ILR field "Withdrawal reason" (WithdrawReason). Checked against the published ILR
# specification text for the field (2021 to 2022, the newest copy reachable offline) and the
# codes this product was asked for; 42 and 45 (HE learning aims only) are left out because the
# provider delivers no HE aims. Admins add next year's codes in the admin (Withdrawal reasons).
REASONS = [
    (2, "Learner has transferred to another provider", ""),
    (3, "Learner injury / illness", ""),
    (
        7,
        "Learner has transferred between providers due to intervention by or with the written "
        "agreement of the funding body",
        "",
    ),
    (
        28,
        "OLASS learner withdrawn due to circumstances outside the provider's control",
        "Only for OLASS learners in custody.",
    ),
    (29, "Learner has been made redundant", ""),
    (40, "Learner has transferred to a new learning aim with the same provider", ""),
    (
        41,
        "Learner has transferred to another provider to undertake learning that meets a "
        "specific government strategy",
        "",
    ),
    (43, "Financial reasons", ""),
    (44, "Other personal reasons", ""),
    (46, "Exclusion", ""),
    (47, "Learner has transferred to another provider due to merger", ""),
    (
        48,
        "Industry placement learner has withdrawn due to circumstances outside the provider's "
        "control",
        "",
    ),
    (97, "Other", ""),
    (98, "Reason not known", ""),
]
THEMES = [
    ("workload-time", "Workload or time to study"),
    ("employment-change", "Change of job or employer"),
    ("employer-support", "Employer support or relationship"),
    ("health-wellbeing", "Health or wellbeing"),
    ("personal-family", "Personal or family circumstances"),
    ("financial", "Financial"),
    ("course-expectations", "Course not as expected"),
    ("progress-assessment", "Difficulty with progress or assessment"),
    ("travel-access", "Travel, access or IT"),
    ("moved-on", "Moved to other learning or work"),
    ("other", "Other"),
]

TABLE = "escalation_withdrawalevent"
POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'withdrawal history is append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};
DROP FUNCTION IF EXISTS {TABLE}_append_only();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, 'withdrawal history is append-only (UPDATE refused)'); END;""",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
       BEGIN SELECT RAISE(ABORT, 'withdrawal history is append-only (DELETE refused)'); END;""",
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
]


def load(apps, schema_editor):
    """The models moved to the withdrawals app since: tests reload this data through
    withdrawals.lookups.load, which reads the lists above."""
    reason = apps.get_model("escalation", "WithdrawalReason")
    for code, description, guidance in REASONS:
        reason.objects.get_or_create(
            ilr_year=ILR_YEAR,
            code=code,
            defaults={"description": description, "guidance": guidance},
        )
    theme = apps.get_model("escalation", "ExitTheme")
    for code, name in THEMES:
        theme.objects.get_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("escalation", "WithdrawalReason").objects.filter(ilr_year=ILR_YEAR).delete()
    codes = [code for code, _ in THEMES]
    apps.get_model("escalation", "ExitTheme").objects.filter(code__in=codes).delete()


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


class Migration(migrations.Migration):
    dependencies = [("escalation", "0004_withdrawals")]
    operations = [migrations.RunPython(load, unload), migrations.RunPython(install, remove)]

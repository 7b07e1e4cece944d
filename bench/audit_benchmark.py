"""What the audit triggers cost a bulk write on PostgreSQL: 5,000 contact-log entries inserted
with bulk_create, updated with one queryset ``.update()``, updated with ``bulk_update`` and
deleted, with no audit trigger, with the app's statement-level triggers (audit/triggers.py) and
with a lean row-level trigger for comparison. Not a test: run it by hand and read the numbers.

    .venv/bin/python bench/audit_benchmark.py

It drops and re-creates its own database (``bench_audit`` on 127.0.0.1, or BENCH_DATABASE_URL)
and writes the table to bench/results/audit.md.
"""

import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench_support  # noqa: E402  (this folder is on the path when a script runs)

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_audit"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("CACHE_URL", "locmemcache://")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

ROWS = 5_000
LEARNERS = 500
RUNS = 5
RESULTS = ROOT / "bench/results/audit.md"
TABLE = "riskcases_contactlogentry"

# For comparison only: the same audit row written by a FOR EACH ROW trigger.
ROW_LEVEL = f"""
CREATE OR REPLACE FUNCTION bench_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND to_jsonb(OLD) IS NOT DISTINCT FROM to_jsonb(NEW) THEN
        RETURN NULL;
    END IF;
    INSERT INTO audit_auditevent (at, actor_id, actor_label, operation, table_name, row_id,
        learner_id, before, after, detail)
    VALUES (now(), nullif(current_setting('audit.actor_id', true), '')::bigint,
        coalesce(nullif(current_setting('audit.actor_label', true), ''), 'system'),
        lower(TG_OP), TG_TABLE_NAME, coalesce(NEW.id, OLD.id),
        coalesce(NEW.learner_id, OLD.learner_id),
        CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END, '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER bench_audit_row AFTER INSERT OR UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION bench_audit_row();
"""


def seed():
    from demo.factories import LearnerFactory, TeamFactory, TutorFactory
    from learners.models import Learner

    team = TeamFactory(name="Bench team")
    tutor = TutorFactory(username="bench.tutor")
    first = LearnerFactory(team=team, tutor=tutor)
    fields = {
        f.attname: getattr(first, f.attname)
        for f in Learner._meta.concrete_fields
        if not f.primary_key
    }
    Learner.objects.bulk_create(
        Learner(**(fields | {"uln": f"{9000000000 + n}"})) for n in range(LEARNERS - 1)
    )
    return tutor, list(Learner.objects.values_list("pk", flat=True))


def set_mode(mode: str) -> None:
    from django.apps import apps
    from django.db import connection

    from audit.triggers import triggers_install

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS bench_audit_row ON {TABLE}")
        if mode == "row":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            cursor.execute(ROW_LEVEL)
        else:
            triggers_install(apps, connection)
            cursor.execute(
                f"ALTER TABLE {TABLE} {'DISABLE' if mode == 'none' else 'ENABLE'} TRIGGER USER"
            )


def one_run(tutor, learner_ids) -> dict[str, float]:
    from django.db import transaction
    from django.db.models import F, Value
    from django.db.models.functions import Concat
    from django.utils import timezone

    from riskcases.models import ContactLogEntry

    now = timezone.now()
    timings = {}

    def timed(label, fn):
        start = time.perf_counter()
        with transaction.atomic():
            fn()
        timings[label] = time.perf_counter() - start

    timed(
        "bulk_create",
        lambda: ContactLogEntry.objects.bulk_create(
            (
                ContactLogEntry(
                    learner_id=learner_ids[n % len(learner_ids)],
                    author=tutor,
                    occurred_at=now,
                    contact_type="phone",
                    outcome="responded",
                    notes=f"bench {n}",
                )
                for n in range(ROWS)
            ),
            batch_size=1_000,
        ),
    )
    timed(".update()", lambda: ContactLogEntry.objects.update(notes=Concat(F("notes"), Value("!"))))
    entries = list(ContactLogEntry.objects.all())
    for entry in entries:
        entry.outcome = "no_response"
    timed("bulk_update", lambda: ContactLogEntry.objects.bulk_update(entries, ["outcome"], 500))
    timed("delete", lambda: ContactLogEntry.objects.all().delete())
    return timings


def main() -> None:
    bench_support.recreate_database(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    tutor, learner_ids = seed()
    modes = {
        "none": "no audit trigger",
        "statement": "statement-level (the app's)",
        "row": "row-level (comparison)",
    }
    # Modes take turns within each round, so a busy moment on the shared machine falls on all.
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
    for round_ in range(RUNS + 1):
        for mode in modes:
            set_mode(mode)
            timings = one_run(tutor, learner_ids)
            if round_:  # the first round warms up
                runs[mode].append(timings)
        print(f"round {round_} done", flush=True)
    results = {
        mode: {op: statistics.median(r[op] for r in runs[mode]) for op in runs[mode][0]}
        for mode in modes
    }
    for mode in modes:
        print(mode, {op: f"{s:.3f}" for op, s in results[mode].items()}, flush=True)
    set_mode("statement")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
    ops = list(results["none"])
    lines = [
        "# Audit trigger benchmark",
        "",
        f"{ROWS:,} contact-log entries (for {LEARNERS} learners), each step in its own "
        f"transaction, median of {RUNS} rounds after a warm-up round (the three set-ups take "
        "turns in each round). `python bench/audit_benchmark.py` "
        f"on {time.strftime('%d %b %Y')}; load average {os.getloadavg()[0]:.1f} at the end "
        "(the machine is shared).",
        "",
        f"Python {platform.python_version()}, {version}, {os.cpu_count()} CPUs.",
        "",
        "| step | " + " | ".join(modes.values()) + " | statement-level overhead |",
        "|---|" + "---:|" * (len(modes) + 1),
    ]
    for op in ops:
        base = results["none"][op]
        cells = " | ".join(f"{results[m][op]:.3f} s" for m in modes)
        lines.append(f"| {op} | {cells} | {results['statement'][op] - base:+.3f} s |")
    lines += [
        "",
        "Every audited step also writes one audit row per row changed (5,000 here); the "
        "statement-level trigger writes them in one INSERT ... SELECT from the transition "
        "tables, the row-level one runs its function once per row.",
        "",
    ]
    RESULTS.write_text("\n".join(lines))
    print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

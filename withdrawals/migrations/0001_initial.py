"""The withdrawal process's models, taken over from the escalation app (escalation 0007 lets
go of them) with their tables as they are: state only, the database is not touched but for
the content types, renamed so that admin history and permissions follow the models."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import withdrawals.models

MOVED = (
    "withdrawalreason",
    "exittheme",
    "withdrawalrequest",
    "withdrawalevent",
    "employeragreement",
    "exitreview",
    "appeal",
)


def content_types_move(apps, schema_editor, *, source="escalation", target="withdrawals"):
    """A database migrated before the move has content types (and so permissions and admin
    log entries) under escalation: rename them, unless the target's already exist."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if content_type.objects.using(db).filter(app_label=target, model=model).exists():
            continue
        content_type.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def content_types_move_back(apps, schema_editor):
    content_types_move(apps, schema_editor, source="withdrawals", target="escalation")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("escalation", "0007_withdrawals_moved_out"),
        ("learners", "0004_import_batches"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExitTheme",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.SlugField(max_length=60, unique=True)),
                        ("name", models.CharField(max_length=120)),
                        ("active", models.BooleanField(default=True)),
                    ],
                    options={
                        "db_table": "escalation_exittheme",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="WithdrawalReason",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "ilr_year",
                            models.CharField(help_text="The ILR year, as 2026/27.", max_length=7),
                        ),
                        ("code", models.PositiveSmallIntegerField()),
                        ("description", models.CharField(max_length=200)),
                        ("guidance", models.CharField(blank=True, max_length=300)),
                        ("active", models.BooleanField(default=True)),
                    ],
                    options={
                        "db_table": "escalation_withdrawalreason",
                        "ordering": ["-ilr_year", "code"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("ilr_year", "code"), name="one_reason_per_code_year"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="WithdrawalRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Awaiting a director's decision"),
                                    (
                                        "awaiting_employer",
                                        "Approved: awaiting the employer's agreement",
                                    ),
                                    ("rejected", "Rejected by a director"),
                                    ("cancelled", "Cancelled: the case moved on"),
                                    ("withdrawn", "Learner withdrawn"),
                                    ("reinstated", "Overturned on appeal: learner reinstated"),
                                ],
                                default="pending",
                                max_length=20,
                            ),
                        ),
                        (
                            "grounds",
                            models.TextField(
                                help_text="Why the case reached the Notification of Withdrawal."
                            ),
                        ),
                        ("raised_at", models.DateTimeField()),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_reason", models.TextField(blank=True)),
                        ("last_day_of_learning", models.DateField(blank=True, null=True)),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                        ("notified_on", models.DateField(blank=True, null=True)),
                        ("appeal_by", models.DateField(blank=True, null=True)),
                        ("confirmation_due_on", models.DateField(blank=True, null=True)),
                        ("confirmation_sent_on", models.DateField(blank=True, null=True)),
                        ("submission_token", models.UUIDField(default=uuid.uuid4, editable=False)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="withdrawal_requests",
                                to="escalation.escalationcase",
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "ilr_reason",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="withdrawals.withdrawalreason",
                            ),
                        ),
                        (
                            "learner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="withdrawal_requests",
                                to="learners.learner",
                            ),
                        ),
                        (
                            "raised_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "escalation_withdrawalrequest",
                        "ordering": ["raised_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="WithdrawalEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("raised", "Notification of Withdrawal raised"),
                                    ("approved", "Approved by a director"),
                                    ("rejected", "Rejected by a director"),
                                    ("cancelled", "Cancelled"),
                                    ("employer_agreed", "Employer agreed to the withdrawal"),
                                    ("withdrawn", "Learner withdrawn"),
                                    ("exit_review", "Exit review recorded"),
                                    ("confirmation_sent", "Written confirmation sent"),
                                    ("appeal_lodged", "Appeal lodged"),
                                    ("appeal_refused_late", "Appeal refused: received late"),
                                    ("appeal_accepted_late", "Late appeal accepted by a director"),
                                    ("appeal_upheld", "Appeal decided: withdrawal upheld"),
                                    ("appeal_overturned", "Appeal decided: withdrawal overturned"),
                                ],
                                max_length=30,
                            ),
                        ),
                        ("at", models.DateTimeField()),
                        ("note", models.TextField(blank=True)),
                        (
                            "by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "request",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="events",
                                to="withdrawals.withdrawalrequest",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "escalation_withdrawalevent",
                        "ordering": ["at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ExitReview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "reasons",
                            models.TextField(
                                verbose_name="reasons for leaving, in the learner's words"
                            ),
                        ),
                        (
                            "might_have_kept",
                            models.TextField(
                                verbose_name="what might have kept the learner on programme"
                            ),
                        ),
                        (
                            "learner_took_part",
                            models.BooleanField(
                                default=True, verbose_name="the learner took part in the review"
                            ),
                        ),
                        ("completed_at", models.DateTimeField()),
                        (
                            "completed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "themes",
                            models.ManyToManyField(
                                related_name="exit_reviews", to="withdrawals.exittheme"
                            ),
                        ),
                        (
                            "request",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="exit_review",
                                to="withdrawals.withdrawalrequest",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "escalation_exitreview",
                    },
                ),
                migrations.CreateModel(
                    name="EmployerAgreement",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "agreed_by_name",
                            models.CharField(max_length=200, verbose_name="who agreed"),
                        ),
                        (
                            "agreed_by_role",
                            models.CharField(
                                max_length=200, verbose_name="their role at the employer"
                            ),
                        ),
                        ("agreed_on", models.DateField(verbose_name="date agreed")),
                        (
                            "method",
                            models.CharField(
                                choices=[
                                    ("email", "E-mail"),
                                    ("letter", "Letter"),
                                    ("signed_form", "Signed form"),
                                    ("phone", "Phone call (with a file note)"),
                                    ("meeting", "Meeting (with notes)"),
                                ],
                                max_length=20,
                                verbose_name="how they agreed",
                            ),
                        ),
                        ("notes", models.TextField(blank=True)),
                        (
                            "file",
                            models.FileField(
                                max_length=255, upload_to=withdrawals.models.agreement_path
                            ),
                        ),
                        ("original_name", models.CharField(max_length=255)),
                        ("content_type", models.CharField(max_length=120)),
                        ("size", models.PositiveBigIntegerField()),
                        ("sha256", models.CharField(max_length=64)),
                        ("recorded_at", models.DateTimeField()),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "request",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="employer_agreement",
                                to="withdrawals.withdrawalrequest",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "escalation_employeragreement",
                    },
                ),
                migrations.CreateModel(
                    name="Appeal",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "appellant",
                            models.CharField(
                                choices=[("learner", "Learner"), ("employer", "Employer")],
                                max_length=10,
                            ),
                        ),
                        ("received_on", models.DateField()),
                        ("grounds", models.TextField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("lodged", "Awaiting a director's decision"),
                                    ("refused_late", "Refused: received after the appeal window"),
                                    ("upheld", "Withdrawal upheld"),
                                    ("overturned", "Overturned: learner reinstated"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("refusal_reason", models.TextField(blank=True)),
                        ("late_accepted_reason", models.TextField(blank=True)),
                        ("decision_due_on", models.DateField(blank=True, null=True)),
                        ("recorded_at", models.DateTimeField()),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_reason", models.TextField(blank=True)),
                        ("reinstated_at_stage", models.CharField(blank=True, max_length=40)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "late_accepted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "request",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="appeals",
                                to="withdrawals.withdrawalrequest",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "escalation_appeal",
                        "ordering": ["received_on", "pk"],
                    },
                ),
                migrations.AddIndex(
                    model_name="withdrawalrequest",
                    index=models.Index(
                        fields=["status", "raised_at"], name="escalation__status_ea7502_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="withdrawalrequest",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status__in", ("pending", "awaiting_employer"))),
                        fields=("case",),
                        name="one_live_withdrawal_request_per_case",
                        violation_error_message="This case already has a withdrawal request in progress.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="withdrawalrequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("decided_by", models.F("raised_by")), _negated=True),
                        name="withdrawal_four_eyes",
                        violation_error_message="The person who raised a withdrawal cannot decide it.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="withdrawalrequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                (
                                    "status__in",
                                    ("awaiting_employer", "rejected", "withdrawn", "reinstated"),
                                ),
                                _negated=True,
                            ),
                            models.Q(("decided_at__isnull", False), ("decided_by__isnull", False)),
                            _connector="OR",
                        ),
                        name="withdrawal_decision_has_author",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="withdrawalrequest",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "withdrawn"), _negated=True),
                            models.Q(
                                ("ilr_reason__isnull", False),
                                ("last_day_of_learning__isnull", False),
                                ("withdrawn_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="withdrawal_has_ilr_reason_and_last_day",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="appeal",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status", "lodged")),
                        fields=("request",),
                        name="one_open_appeal_per_withdrawal",
                        violation_error_message="An appeal against this withdrawal is already open.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="appeal",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status__in", ["upheld", "overturned"]), _negated=True),
                            models.Q(("decided_at__isnull", False), ("decided_by__isnull", False)),
                            _connector="OR",
                        ),
                        name="appeal_decision_has_author",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_move, content_types_move_back),
    ]

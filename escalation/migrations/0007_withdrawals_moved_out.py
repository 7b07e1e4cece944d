"""The withdrawal process moved to its own app (withdrawals/, above escalation): its models
leave escalation's state here and withdrawals 0001 takes them over. State only: the tables
keep their names (escalation_withdrawalrequest...), their rows, constraints and triggers (the
audit trail's and the events' append-only one). Nothing is dropped."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0006_stage_letters"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="employeragreement",
                    name="recorded_by",
                ),
                migrations.RemoveField(
                    model_name="employeragreement",
                    name="request",
                ),
                migrations.RemoveField(
                    model_name="exitreview",
                    name="completed_by",
                ),
                migrations.RemoveField(
                    model_name="exitreview",
                    name="request",
                ),
                migrations.RemoveField(
                    model_name="exitreview",
                    name="themes",
                ),
                migrations.RemoveField(
                    model_name="withdrawalevent",
                    name="by",
                ),
                migrations.RemoveField(
                    model_name="withdrawalevent",
                    name="request",
                ),
                migrations.RemoveField(
                    model_name="withdrawalrequest",
                    name="ilr_reason",
                ),
                migrations.RemoveField(
                    model_name="withdrawalrequest",
                    name="case",
                ),
                migrations.RemoveField(
                    model_name="withdrawalrequest",
                    name="decided_by",
                ),
                migrations.RemoveField(
                    model_name="withdrawalrequest",
                    name="learner",
                ),
                migrations.RemoveField(
                    model_name="withdrawalrequest",
                    name="raised_by",
                ),
                migrations.DeleteModel(
                    name="Appeal",
                ),
                migrations.DeleteModel(
                    name="EmployerAgreement",
                ),
                migrations.DeleteModel(
                    name="ExitReview",
                ),
                migrations.DeleteModel(
                    name="ExitTheme",
                ),
                migrations.DeleteModel(
                    name="WithdrawalEvent",
                ),
                migrations.DeleteModel(
                    name="WithdrawalReason",
                ),
                migrations.DeleteModel(
                    name="WithdrawalRequest",
                ),
            ],
            database_operations=[],
        ),
    ]

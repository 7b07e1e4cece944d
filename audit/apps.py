from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate


def _before_migrate(sender, using: str, **kwargs) -> None:
    from django.db import connections

    from audit.triggers import sqlite_triggers_drop

    sqlite_triggers_drop(connections[using])


def _after_migrate(sender, using: str, apps=None, **kwargs) -> None:
    """Keep the triggers in step with the models: install what is missing (PostgreSQL's read
    whole rows, so only new tables need them); SQLite's name columns, so always regenerate.
    ``flush`` (transactional tests) sends this too, without ``apps``."""
    from django.apps import apps as global_apps
    from django.db import connections

    apps = apps or global_apps

    from audit.triggers import triggers_install, triggers_missing

    connection = connections[using]
    if "audit_auditevent" not in connection.introspection.table_names():
        return  # migrating to a state before the audit app
    try:
        apps.get_model("audit", "AuditEvent")
        if connection.vendor == "sqlite" or triggers_missing(apps, connection):
            triggers_install(apps, connection)
    except LookupError:
        return  # a partial migrate that stops before an audited model exists


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun

        from audit.actor import connection_prepare, task_finished, task_started

        connection_created.connect(
            lambda sender, connection, **kwargs: connection_prepare(connection),
            weak=False,
            dispatch_uid="audit_connection_prepare",
        )
        task_prerun.connect(task_started, weak=False, dispatch_uid="audit_task_started")
        task_postrun.connect(task_finished, weak=False, dispatch_uid="audit_task_finished")
        # Sent once per migrate (sender is each app config; the receivers act once per alias).
        pre_migrate.connect(_before_migrate, sender=self, dispatch_uid="audit_pre_migrate")
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="audit_post_migrate")

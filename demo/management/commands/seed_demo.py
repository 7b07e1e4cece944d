"""Build (or top up) the demo organisation.

Each app may contribute a ``demo.py`` with ``seed(*, stdout)``; they run in INSTALLED_APPS order
(learners first, then ratings, cases, ...), found at run time so no app imports a higher one.
Every step is keyed on natural keys, so running the command twice adds nothing twice.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from learners.demo import ADMIN_USERNAME, DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Create the demo organisation: staff in every role, 3 teams, 200 learners."

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo organisation ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<14} {user.note}")
        self.stdout.write(f"  {ADMIN_USERNAME:<14} administrator (Django admin)")

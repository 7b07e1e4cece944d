"""Build (or top up) the demo organisation.

The demo app holds one builder per app, each with ``seed(*, stdout)``; they run in the order
of the layers (learners first, then ratings, cases, ...). The demo app sits above every domain
app, so it may import them all. Every step is keyed on natural keys, so running the command
twice adds nothing twice.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from demo import (
    dataprotection,
    escalation,
    learners,
    notifications,
    policy_rules,
    reports,
    riskcases,
)
from demo.learners import ADMIN_USERNAME, DEMO_PASSWORD, DEMO_USERS, demo_user_policy

# escalation's builder runs the activity, breaks, withdrawals and letters builders itself.
BUILDERS = (learners, riskcases, escalation, policy_rules, notifications, reports, dataprotection)


class Command(BaseCommand):
    help = "Create the demo organisation: staff in every role, 5 teams on 4 policies, 250 learners."

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            for builder in BUILDERS:
                builder.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo organisation ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<14} {user.note}{demo_user_policy(user)}")
        self.stdout.write(f"  {ADMIN_USERNAME:<14} administrator (Django admin)")

import pytest
from django.urls import reverse

from demo.factories import UserFactory, open_case


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    "name",
    [
        "learners_learner",
        "learners_team",
        "learners_employer",
        "learners_importbatch",
        "riskcases_riskfactor",
        "escalation_escalationcase",
        "withdrawals_withdrawalreason",
        "withdrawals_exittheme",
        "escalation_stageletter",
        "notifications_lettertemplate",
        "notifications_emaildelivery",
        "notifications_notification",
    ],
)
def test_admin_lists_open(client, admin_user, learner, name):
    open_case(learner)
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:{name}_changelist"), {"q": "x"}).status_code == 200


def test_learners_are_not_added_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:learners_learner_add")).status_code == 403

"""Shared fixtures: an owner (a tutor with a learner), a colleague and an outsider; a director;
the clock frozen on a Monday; a withdrawal request raised, and one approved."""

import datetime as dt
from importlib import import_module
from pathlib import Path

import pytest
import time_machine
from django.apps import apps

from demo.factories import LearnerFactory, ManagerFactory, TeamFactory, TutorFactory, UserFactory

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# The Monday the tests freeze the clock on: 23 November 2026, 10:00 UTC, a working day in
# every nation, well clear of bank holidays.
MONDAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


# Reference data that data migrations load (role groups, risk factor and intervention
# catalogues). Transactional tests flush every table when they finish, so any database test
# that finds it gone reloads it with the migrations' own functions.
REFERENCE_DATA_LOADERS = [
    ("policies.seeding", "load"),
    ("learners.migrations.0002_staff_roles", "create_role_groups"),
    ("learners.migrations.0006_team_support_coordinators", "create_role_groups"),
    ("riskcases.migrations.0002_catalogues", "load"),
    ("withdrawals.lookups", "load"),
    ("notifications.migrations.0002_letter_templates", "load"),
    ("notifications.migrations.0005_makers_stage_introductions", "load"),
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    marker = request.node.get_closest_marker("django_db")
    asked = set(request.fixturenames) & {"db", "transactional_db"}
    if marker is None and not asked:
        return
    transactional = "transactional_db" in asked or (
        marker is not None and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from riskcases.models import RiskFactor

    if not RiskFactor.objects.exists():
        for module, function in REFERENCE_DATA_LOADERS:
            getattr(import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _policy_specs_fresh():
    # Specs are cached per process by version id; a rolled-back test's ids are reused.
    from policies.selectors import spec_cache_clear

    spec_cache_clear()
    yield
    spec_cache_clear()


@pytest.fixture
def team(db):
    return TeamFactory(name="North Team")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="South Team")


@pytest.fixture
def tutor(db):
    """The owner: a tutor with a caseload."""
    return TutorFactory(username="owner.tutor", first_name="Olive", last_name="Owner")


@pytest.fixture
def colleague(db):
    """Another tutor in the same team."""
    return TutorFactory(username="colleague.tutor")


@pytest.fixture
def outsider(db):
    """A signed-in user with no role at all."""
    return UserFactory(username="outsider")


@pytest.fixture
def manager(db, team):
    user = ManagerFactory(username="team.manager")
    team.managers.add(user)
    return user


@pytest.fixture
def user_with_role(db):
    def make(role: str, **kwargs):
        return UserFactory(roles=[role], **kwargs)

    return make


@pytest.fixture
def director(user_with_role):
    return user_with_role("director", username="dee.director", first_name="Dee", last_name="Rector")


@pytest.fixture
def monday():
    """The clock frozen (not ticking) on MONDAY. A module asks for it with
    ``pytestmark = pytest.mark.usefixtures("monday")``; tests/reports/conftest.py for its folder."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


# The withdrawal set-up (tests/escalation/withdrawal_steps.py, imported when used).


@pytest.fixture
def raised(learner, manager):
    """The learner's withdrawal request, raised by their case reaching Stage 3 (the Notification
    of Withdrawal) two weeks before MONDAY."""
    from tests.escalation.withdrawal_steps import at_withdrawal_stage

    with time_machine.travel(MONDAY - dt.timedelta(days=14), tick=False):
        case = at_withdrawal_stage(learner, manager)
    return case.withdrawal_requests.get()


@pytest.fixture
def withdrawn(raised, manager, director):
    """The raised request with the employer's agreement, approved by the director today."""
    from tests.escalation.withdrawal_steps import agreement, approve

    agreement(raised, manager)
    approve(raised, director)
    raised.refresh_from_db()
    assert raised.status == "withdrawn"
    return raised


@pytest.fixture
def learner(tutor, team):
    return LearnerFactory(tutor=tutor, team=team, first_name="Lily", last_name="Learner")


@pytest.fixture
def artifacts_dir() -> Path:
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


# Playwright: Debian's Chromium (playwright cannot download browsers here), flags from
# shared/STACK-NOTES.md so it makes no network calls of its own.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }

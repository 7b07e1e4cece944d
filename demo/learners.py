"""The demo organisation's people and learners (step 1 of seed_demo).

Deterministic and keyed on natural keys (usernames, team names, employer names, course codes,
ULNs), so a second run finds everything already there and adds nothing. Each learner is enrolled
by their team's manager through the Enrol page's action (learner_enrol: the learner and the Low
start-of-programme rating), on their start date.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone
from faker import Faker

from demo.factories import (
    CourseFactory,
    EmployerFactory,
    LearnerFactory,
    TeamFactory,
    UserFactory,
    valid_uln,
)
from demo.timeline import at, on
from escalation.learner_actions import learner_enrol
from learners.models import Learner, LearnerStatus, Nation, ProgrammeType
from learners.roles import Role
from policies.models import Policy
from riskcases.models import RiskLevel

DEMO_PASSWORD = "demo-learners-2026"
DEMO_LEARNER_COUNT = 250
ULN_SEED_BASE = 700_000


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    note: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("tutor", "Tess", "Hughes", (Role.TUTOR,), "tutor, Manchester apprentices"),
    DemoUser("tutor2", "Omar", "Siddiqui", (Role.TUTOR,), "tutor, Manchester apprentices"),
    DemoUser("tutor3", "Rhian", "Evans", (Role.TUTOR,), "tutor, Cardiff (Wales)"),
    DemoUser("tutor4", "Gareth", "Morgan", (Role.TUTOR,), "tutor, Cardiff (Wales)"),
    DemoUser("tutor5", "Priya", "Patel", (Role.TUTOR,), "tutor, Birmingham traineeships"),
    DemoUser("tutor6", "Dan", "Walsh", (Role.TUTOR,), "tutor, Birmingham short courses"),
    DemoUser("tutor7", "Kerry", "Ainsworth", (Role.TUTOR,), "tutor, Leeds apprentices"),
    DemoUser("tutor8", "Tom", "Okafor", (Role.TUTOR,), "tutor, London software apprentices"),
    DemoUser("manager", "Helen", "Clarke", (Role.MANAGER,), "manager, Manchester team"),
    DemoUser("manager2", "Sian", "Davies", (Role.MANAGER,), "manager, Cardiff team"),
    DemoUser("manager3", "Marcus", "Reid", (Role.MANAGER,), "manager, Birmingham team"),
    DemoUser("manager4", "Joanne", "Pickering", (Role.MANAGER,), "manager, Leeds team"),
    DemoUser("manager5", "Ravi", "Shah", (Role.MANAGER,), "manager, London team"),
    DemoUser(
        "coordinator",
        "Carys",
        "Jenkins",
        (Role.OPERATIONAL_SUPPORT,),
        "Operational Support Coordinator, Cardiff (Wales): acts at stages 1 to 3",
    ),
    DemoUser("director", "Alison", "Grant", (Role.DIRECTOR,), "director: approves withdrawals"),
    DemoUser("safeguarding", "Nadia", "Khan", (Role.SAFEGUARDING,), "safeguarding lead"),
    DemoUser("panel", "Robert", "Lowe", (Role.LEAVER_PANEL,), "leaver panel"),
    DemoUser("quality", "Fiona", "Baker", (Role.QUALITY,), "quality / IQA, read-only audit"),
)
ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class DemoTeam:
    name: str
    nation: str
    manager: str
    tutors: tuple[str, ...]
    programmes: tuple[str, ...]
    policy: str  # the key of the shipped policy the team follows


DEMO_TEAMS: tuple[DemoTeam, ...] = (
    DemoTeam(
        "Manchester Apprenticeships",
        Nation.ENGLAND,
        "manager",
        ("tutor", "tutor2"),
        (ProgrammeType.APPRENTICESHIP,),
        "mtt",
    ),
    DemoTeam(
        "Cardiff and Valleys",
        Nation.WALES,
        "manager2",
        ("tutor3", "tutor4"),
        (ProgrammeType.APPRENTICESHIP, ProgrammeType.TRAINEESHIP),
        "aspiration",
    ),
    DemoTeam(
        "Birmingham Skills Centre",
        Nation.ENGLAND,
        "manager3",
        ("tutor5", "tutor6"),
        (ProgrammeType.TRAINEESHIP, ProgrammeType.SHORT_COURSE),
        "aspiration",
    ),
    DemoTeam(
        "Leeds Apprenticeships",
        Nation.ENGLAND,
        "manager4",
        ("tutor7",),
        (ProgrammeType.APPRENTICESHIP,),
        "bpn",
    ),
    DemoTeam(
        "London Software Apprenticeships",
        Nation.ENGLAND,
        "manager5",
        ("tutor8",),
        (ProgrammeType.APPRENTICESHIP,),
        "makers",
    ),
)

DEMO_COURSES: tuple[tuple[str, str, str], ...] = (
    ("ST0384", "Team Leader or Supervisor (Level 3)", ProgrammeType.APPRENTICESHIP),
    ("ST0072", "Customer Service Practitioner (Level 2)", ProgrammeType.APPRENTICESHIP),
    ("ST0070", "Business Administrator (Level 3)", ProgrammeType.APPRENTICESHIP),
    ("ST0005", "Adult Care Worker (Level 2)", ProgrammeType.APPRENTICESHIP),
    ("ST0795", "Data Technician (Level 3)", ProgrammeType.APPRENTICESHIP),
    ("TR-RCS", "Traineeship: Retail and Customer Service", ProgrammeType.TRAINEESHIP),
    ("TR-HSC", "Traineeship: Health and Social Care", ProgrammeType.TRAINEESHIP),
    ("SC-EFA", "Award in Emergency First Aid at Work", ProgrammeType.SHORT_COURSE),
    ("SC-UMH", "Certificate in Understanding Mental Health", ProgrammeType.SHORT_COURSE),
    ("SC-FSE", "Functional Skills English (Level 2)", ProgrammeType.SHORT_COURSE),
)

# Typical programme lengths in days, from the policies' programme descriptions.
PROGRAMME_LENGTH_DAYS = {
    ProgrammeType.APPRENTICESHIP: (365, 730),
    ProgrammeType.TRAINEESHIP: (120, 180),
    ProgrammeType.SHORT_COURSE: (42, 84),
}
EMPLOYER_COUNT = 30
# The learner's own fields, as the Enrol page (and an import) give them to learner_enrol.
ENROL_FIELDS = tuple(
    f.name
    for f in Learner._meta.concrete_fields
    if not f.primary_key and f.name not in ("created_at", "updated_at")
)


def demo_user_policy(user: DemoUser) -> str:
    """ ", on MTT" for a login whose team follows MTT; "" for the organisation-wide roles."""
    names = dict(Policy.objects.values_list("key", "short_name"))
    for team in DEMO_TEAMS:
        coordinates = user.username == "coordinator" and team.nation == Nation.WALES
        if user.username == team.manager or user.username in team.tutors or coordinates:
            return f" (policy: {names.get(team.policy, team.policy)})"
    return ""


def seed_people(*, faker: Faker) -> dict[str, object]:
    users = {}
    for spec in DEMO_USERS:
        users[spec.username] = UserFactory(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            password=DEMO_PASSWORD,
            roles=list(spec.roles),
        )
    admin = UserFactory(
        username=ADMIN_USERNAME,
        first_name="System",
        last_name="Administrator",
        password=DEMO_PASSWORD,
        is_staff=True,
        is_superuser=True,
    )
    users[ADMIN_USERNAME] = admin
    return users


def _employer_names(faker: Faker) -> list[str]:
    names: list[str] = []
    while len(names) < EMPLOYER_COUNT:
        name = faker.company()
        if name not in names:
            names.append(name)
    return names


def _status_for(rng: random.Random, start: dt.date, end: dt.date, today: dt.date) -> dict:
    if end < today:
        return {"status": LearnerStatus.COMPLETED, "archived": rng.random() < 0.5}
    roll = rng.random()
    if roll < 0.08:
        return {"status": LearnerStatus.WITHDRAWN, "archived": rng.random() < 0.3}
    if roll < 0.16:
        # Some breaks are already past their expected return date: the policies' 3-month rule.
        return {
            "status": LearnerStatus.BREAK_IN_LEARNING,
            "expected_return_date": today + dt.timedelta(days=rng.randint(-30, 90)),
        }
    return {"status": LearnerStatus.ON_PROGRAMME}


def seed_learners(*, faker: Faker, rng: random.Random, users: dict, today: dt.date) -> int:
    courses = {
        code: CourseFactory(code=code, title=title, programme_type=ptype)
        for code, title, ptype in DEMO_COURSES
    }
    employers = [EmployerFactory(name=name) for name in _employer_names(faker)]
    policies = {policy.key: policy for policy in Policy.objects.all()}
    teams = [
        TeamFactory(
            name=t.name, nation=t.nation, managers=[users[t.manager]], policy=policies[t.policy]
        )
        for t in DEMO_TEAMS
    ]
    for spec, team in zip(DEMO_TEAMS, teams, strict=True):
        team.tutors.add(*(users[name] for name in spec.tutors))
    existing = set(Learner.objects.values_list("uln", flat=True))
    created = 0
    for i in range(DEMO_LEARNER_COUNT):
        spec = DEMO_TEAMS[i % len(DEMO_TEAMS)]
        team = teams[i % len(DEMO_TEAMS)]
        ptype = spec.programmes[(i // len(DEMO_TEAMS)) % len(spec.programmes)]
        uln = valid_uln(ULN_SEED_BASE + i)
        # Draw every random value even for existing learners so later learners get the same ones.
        course = rng.choice([c for c in courses.values() if c.programme_type == ptype])
        shortest, longest = PROGRAMME_LENGTH_DAYS[ptype]
        start = today - dt.timedelta(days=rng.randint(5, longest))
        end = start + dt.timedelta(days=rng.randint(shortest, longest))
        status = _status_for(rng, start, end, today)
        employer = rng.choice(employers)
        tutor = users[spec.tutors[(i // len(DEMO_TEAMS)) % len(spec.tutors)]]
        first, last = faker.first_name(), faker.last_name()
        if uln in existing:
            continue
        # The factory draws the contact details (e-mail, phone); the action writes the learner.
        built = LearnerFactory.build(
            initial_rating=None,
            uln=uln,
            first_name=first,
            last_name=last,
            programme_type=ptype,
            nation=spec.nation,
            course=course,
            team=team,
            tutor=tutor,
            start_date=start,
            planned_end_date=end,
            employer=employer if ptype != ProgrammeType.SHORT_COURSE else None,
            **status,
        )
        with on(at(start, 9)):
            learner_enrol(
                data={field: getattr(built, field) for field in ENROL_FIELDS},
                by=users[spec.manager],
                level=RiskLevel.LOW,
                reason="",
            )
        created += 1
    return created


def seed(*, stdout) -> dict:
    """Step 1: people, teams (each following one of the shipped policies), employers, courses
    and 250 learners."""
    faker = Faker("en_GB")
    faker.seed_instance(2026)
    rng = random.Random(2026)
    today = timezone.localdate()
    users = seed_people(faker=faker)
    created = seed_learners(faker=faker, rng=rng, users=users, today=today)
    stdout.write(f"learners: {created} new learners ({Learner.objects.count()} in all)")
    return {"users": users}

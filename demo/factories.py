"""factory-boy factories: the demo organisation (seed_demo), the benchmarks, the sample
import files and the tests share these."""

import datetime as dt
import random

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from learners.models import (
    Attendance,
    BreakInLearning,
    Course,
    Employer,
    EmploymentChange,
    EmploymentChangeKind,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Learner,
    LearnerStatus,
    Nation,
    ProgrammeType,
    ProgressEvent,
    ProgressEventKind,
    ProgressSnapshot,
    RecordSource,
    ScheduledSession,
    Submission,
    SubmissionOutcome,
    Team,
    Visit,
    VisitOutcome,
    WorkAbsence,
)
from learners.roles import Role
from learners.validators import uln_check_digit
from riskcases.models import (
    AgreedAction,
    ContactLogEntry,
    ContactType,
    Outcome,
    RiskLevel,
    RiskRating,
    SupportKind,
    SupportRecord,
)


def valid_uln(seed: int) -> str:
    """A ULN that passes the ILR check digit, derived deterministically from ``seed``."""
    rng = random.Random(seed)
    while True:
        first_nine = str(rng.randint(100_000_000, 999_999_999))
        check = uln_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


def roles_hook(*default: str) -> factory.PostGeneration:
    """Put the user in role groups: ``roles=[...]`` when given, else ``default``."""

    def add_roles(user, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        names = default if extracted is None else extracted
        if create and names:
            # get_or_create: transactional tests flush the groups that migration 0002 made.
            user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in names))

    return factory.PostGeneration(add_roles)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")
    roles = roles_hook()


class TutorFactory(UserFactory):
    roles = roles_hook(Role.TUTOR)

    @factory.post_generation
    def tutored_teams(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.tutored_teams.add(*extracted)


class ManagerFactory(UserFactory):
    roles = roles_hook(Role.MANAGER)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    nation = Nation.ENGLAND

    @factory.post_generation
    def managers(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.managers.add(*extracted)

    @factory.post_generation
    def tutors(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.tutors.add(*extracted)


class EmployerFactory(DjangoModelFactory):
    class Meta:
        model = Employer
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Employer {n} Ltd")
    contact_email = factory.LazyAttribute(
        lambda e: "hr@" + "".join(c for c in e.name.lower() if c.isalnum())[:20] + ".example"
    )
    contact_phone = factory.Faker("phone_number", locale="en_GB")
    mentor_name = factory.Faker("name", locale="en_GB")
    mentor_email = factory.LazyAttribute(
        lambda e: e.mentor_name.lower().replace(" ", ".").replace("'", "") + "@employer.example"
    )
    mentor_phone = factory.Faker("phone_number", locale="en_GB")


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n:04d}")
    title = factory.Sequence(lambda n: f"Course {n}")
    programme_type = ProgrammeType.APPRENTICESHIP


class LearnerFactory(DjangoModelFactory):
    class Meta:
        model = Learner
        django_get_or_create = ("uln",)
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    uln = factory.Sequence(valid_uln)
    email = factory.LazyAttribute(
        lambda o: (
            f"{o.first_name}.{o.last_name}".lower().replace("'", "").replace(" ", "")
            + "@learner.example"
        )
    )
    phone = factory.Faker("phone_number", locale="en_GB")
    programme_type = ProgrammeType.APPRENTICESHIP
    nation = Nation.ENGLAND
    course = factory.SubFactory(
        CourseFactory, programme_type=factory.SelfAttribute("..programme_type")
    )
    employer = factory.Maybe(
        factory.LazyAttribute(lambda o: o.programme_type == ProgrammeType.APPRENTICESHIP),
        yes_declaration=factory.SubFactory(EmployerFactory),
        no_declaration=None,
    )
    tutor = factory.SubFactory(TutorFactory)
    team = factory.SubFactory(TeamFactory)
    start_date = dt.date(2026, 9, 7)
    planned_end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=365))
    status = LearnerStatus.ON_PROGRAMME
    expected_return_date = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status == LearnerStatus.BREAK_IN_LEARNING),
        yes_declaration=factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=200)),
        no_declaration=None,
    )
    # Policy (At-risk rating): every learner is rated Low at enrolment unless a start factor
    # applies. Pass initial_rating=None for a learner with no rating row.
    initial_rating = factory.RelatedFactory(
        "demo.factories.RiskRatingFactory", factory_related_name="learner"
    )

    @factory.post_generation
    def tutor_in_team(self, create: bool, extracted: object, **kwargs: object) -> None:
        """The learner's tutor is one of the team's tutors, as enrolment requires."""
        if create:
            self.team.tutors.add(self.tutor)


# --- learner activity records -------------------------------------------------------------------


class _RecordFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    learner = factory.SubFactory(LearnerFactory)
    occurred_on = dt.date(2026, 10, 1)
    source = RecordSource.TUTOR


class SessionFactory(_RecordFactory):
    class Meta:
        model = ScheduledSession

    title = factory.Sequence(lambda n: f"Session {n}")
    attendance = Attendance.ATTENDED


class VisitFactory(_RecordFactory):
    class Meta:
        model = Visit

    outcome = VisitOutcome.HELD


class SubmissionFactory(_RecordFactory):
    class Meta:
        model = Submission

    title = factory.Sequence(lambda n: f"Homework {n}")
    outcome = SubmissionOutcome.SUBMITTED


class ProgressSnapshotFactory(_RecordFactory):
    class Meta:
        model = ProgressSnapshot

    actual_percent = 40
    planned_percent = 40


class ProgressEventFactory(_RecordFactory):
    class Meta:
        model = ProgressEvent

    kind = ProgressEventKind.UNIT_COMPLETED
    description = factory.Sequence(lambda n: f"Unit {n} signed off")


class WorkAbsenceFactory(_RecordFactory):
    class Meta:
        model = WorkAbsence

    explained = False


class EmploymentChangeFactory(_RecordFactory):
    class Meta:
        model = EmploymentChange

    kind = EmploymentChangeKind.LEFT
    employer_name = "Acme Plumbing Ltd"


class BreakFactory(_RecordFactory):
    class Meta:
        model = BreakInLearning

    expected_return_on = dt.date(2027, 1, 4)
    reason = "Caring responsibilities"


class ImportBatchFactory(DjangoModelFactory):
    """A batch as a preview leaves it; pass ``errors=[...]`` (and status) for a rejected one."""

    class Meta:
        model = ImportBatch

    kind = ImportKind.ATTENDANCE
    original_name = "attendance.csv"
    file = factory.django.FileField(filename="import.csv", data=b"uln,date,session,attendance\r\n")
    size = 29
    sha256 = factory.Faker("sha256")
    uploaded_by = factory.SubFactory(ManagerFactory)
    status = factory.LazyAttribute(
        lambda b: ImportStatus.REJECTED if b.errors else ImportStatus.PREVIEWED
    )
    errors = factory.LazyFunction(list)
    error_row_count = factory.LazyAttribute(lambda b: len({e["row"] for e in b.errors}))


# --- riskcases ---------------------------------------------------------------------------------


class RiskRatingFactory(DjangoModelFactory):
    """A rating row as written by rating_enrol (no log entry, as at Low)."""

    class Meta:
        model = RiskRating

    learner = factory.SubFactory(LearnerFactory)
    level = RiskLevel.LOW
    started_at = factory.LazyFunction(timezone.now)
    set_by = factory.SelfAttribute("learner.tutor")
    reason = "Enrolment: no start-of-programme risk factors."


class ContactLogEntryFactory(DjangoModelFactory):
    class Meta:
        model = ContactLogEntry

    learner = factory.SubFactory(LearnerFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    contact_type = ContactType.PHONE
    outcome = Outcome.RESPONDED
    notes = factory.Faker("sentence")
    author = factory.SelfAttribute("learner.tutor")


class SupportRecordFactory(DjangoModelFactory):
    class Meta:
        model = SupportRecord

    learner = factory.SubFactory(LearnerFactory)
    kind = SupportKind.SUPPORT_PLAN
    summary = "Weekly check-ins agreed; catch-up plan for two overdue units."
    agreed_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.SelfAttribute("learner.tutor")


class AgreedActionFactory(DjangoModelFactory):
    class Meta:
        model = AgreedAction

    support_record = factory.SubFactory(SupportRecordFactory)
    description = "Submit unit 3 draft"
    owner = "learner"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))


# --- escalation --------------------------------------------------------------------------------
def open_case(learner, *, stage: str | None = None, by=None, reason: str = "Rated High"):
    """A case opened through the service, as the app opens one (optionally at ``stage``)."""
    from escalation.services import case_open

    return case_open(learner=learner, by=by or learner.tutor, reason=reason, stage_key=stage)


def stage_letter_not_sent(case, *, by=None, reason: str = "Told in person at a review meeting"):
    """Record the current stage's letter as not sent (with a reason), so a person may move the
    case on: a stage with a letter is notified once it is sent or skipped with a reason."""
    from escalation.letter_sending import stage_letter_skip

    return stage_letter_skip(case=case, by=by or case.learner.tutor, reason=reason)

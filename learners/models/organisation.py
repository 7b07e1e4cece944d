from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from learners.validators import validate_uln


class Nation(models.TextChoices):
    ENGLAND = "ENG", "England"
    WALES = "WLS", "Wales"


class ProgrammeType(models.TextChoices):
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    TRAINEESHIP = "traineeship", "Traineeship"
    SHORT_COURSE = "short_course", "Short course"


class LearnerStatus(models.TextChoices):
    ON_PROGRAMME = "on_programme", "On programme"
    BREAK_IN_LEARNING = "break_in_learning", "Break in learning"
    WITHDRAWN = "withdrawn", "Withdrawn"
    COMPLETED = "completed", "Completed"


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    nation = models.CharField(max_length=3, choices=Nation.choices, default=Nation.ENGLAND)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_teams", blank=True
    )
    # The tutors who teach the team's learners: a learner enrolled into the team gets one of
    # them (the enrolment form offers and accepts no other).
    tutors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="tutored_teams", blank=True
    )
    # Those who hold the Operational Support Coordinator role for this team's learners (they
    # also need the role itself, learners.roles.Role.OPERATIONAL_SUPPORT).
    support_coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="coordinated_teams", blank=True
    )
    # The policy the team's learners follow; a new team gets the default policy (the admin
    # changes it). Cases pin the version they opened under, so a change applies to new cases.
    policy = models.ForeignKey(
        "policies.Policy", on_delete=models.PROTECT, related_name="teams", blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.policy_id is None:
            from policies.selectors import default_policy

            self.policy = default_policy()
        super().save(*args, **kwargs)
        from policies.selectors import spec_cache_clear

        spec_cache_clear()  # which policy each team follows is remembered briefly


class Employer(models.Model):
    name = models.CharField(max_length=200, unique=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    mentor_name = models.CharField("workplace mentor", max_length=200, blank=True)
    mentor_email = models.EmailField("mentor e-mail", blank=True)
    mentor_phone = models.CharField("mentor phone", max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    programme_type = models.CharField(max_length=20, choices=ProgrammeType.choices)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Learner(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    uln = models.CharField(
        "ULN",
        max_length=10,
        unique=True,
        validators=[validate_uln],
        help_text="Unique Learner Number: 10 digits from the Learner Record Service.",
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    programme_type = models.CharField(max_length=20, choices=ProgrammeType.choices)
    nation = models.CharField(max_length=3, choices=Nation.choices)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="learners")
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="learners", null=True, blank=True
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="caseload"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="learners")
    start_date = models.DateField()
    planned_end_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=LearnerStatus.choices, default=LearnerStatus.ON_PROGRAMME
    )
    expected_return_date = models.DateField(
        null=True, blank=True, help_text="Required while the learner is on a break in learning."
    )
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["tutor", "archived"]), models.Index(fields=["team"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_date__gt=models.F("start_date")),
                name="learner_planned_end_after_start",
                violation_error_message="The planned end date must be after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(
                    status=LearnerStatus.BREAK_IN_LEARNING, expected_return_date__isnull=False
                )
                | (
                    ~Q(status=LearnerStatus.BREAK_IN_LEARNING)
                    & Q(expected_return_date__isnull=True)
                ),
                name="learner_return_date_only_on_break",
                violation_error_message=(
                    "A break in learning needs an expected return date, and only a break has one."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(programme_type=ProgrammeType.APPRENTICESHIP)
                | Q(employer__isnull=False),
                name="learner_apprentice_has_employer",
                violation_error_message="An apprentice must have an employer.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.course_id and self.programme_type != self.course.programme_type:
            course_kind = self.course.get_programme_type_display().lower()
            mine = self.get_programme_type_display().lower()
            raise ValidationError(
                {"course": f"{self.course} belongs to {course_kind} programmes, not {mine}s."}
            )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from learners.models import Learner
from policies.spec import HIGH, LOW, MEDIUM


class RiskLevel(models.TextChoices):
    LOW = LOW, "Low"
    MEDIUM = MEDIUM, "Medium"
    HIGH = HIGH, "High"


class RiskFactorKind(models.TextChoices):
    START = "start", "Start of programme"
    DURING = "during", "During programme"


class RiskFactor(models.Model):
    """The policies' catalogues of risk factors (loaded by migration 0002)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=RiskFactorKind.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Intervention(models.Model):
    """The policies' catalogue of support interventions (loaded by migration 0002)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RiskRating(models.Model):
    """One period at one risk level. Never edited: a change closes this row (ended_at) and
    opens a new one. The database holds at most one current (open) rating per learner."""

    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="ratings")
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    reason = models.TextField()
    risk_factors = models.ManyToManyField(RiskFactor, blank=True, related_name="ratings")
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner"],
                condition=Q(ended_at__isnull=True),
                name="one_current_rating_per_learner",
                violation_error_message="This learner already has a current rating.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="rating_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} {self.level} from {self.started_at:%Y-%m-%d}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class ContactType(models.TextChoices):
    PHONE = "phone", "Phone call"
    EMAIL = "email", "E-mail"
    MEETING = "meeting", "Meeting"
    THREE_WAY = "three_way", "Three-way meeting with employer"
    VISIT = "visit", "Visit"
    WELFARE_CHECK = "welfare_check", "Welfare check"
    LETTER = "letter", "Letter"
    RISK_RATING = "risk_rating", "Risk rating"
    # Staff discussing the learner among themselves (MTT: the tutor and the Quality Lead
    # "decide the steps needed together"): on the log, with the steps agreed in the notes, but
    # no attempt to reach the learner.
    CASE_DISCUSSION = "case_discussion", "Case discussion (staff, with the steps agreed)"


class ContactWith(models.TextChoices):
    LEARNER = "learner", "Learner"
    EMPLOYER = "employer", "Employer"
    BOTH = "both", "Learner and employer"


class Direction(models.TextChoices):
    OUTBOUND = "outbound", "We contacted them"
    INBOUND = "inbound", "They contacted us"
    NONE = "none", "Not applicable"


class Outcome(models.TextChoices):
    RESPONDED = "responded", "Responded"
    NO_RESPONSE = "no_response", "No response"
    LEFT_MESSAGE = "left_message", "Left message"
    COMMITMENT_AGREED = "commitment_agreed", "Commitment agreed"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ContactLogEntry(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="contacts")
    occurred_at = models.DateTimeField()
    contact_type = models.CharField(max_length=20, choices=ContactType.choices)
    contact_with = models.CharField(
        max_length=10, choices=ContactWith.choices, default=ContactWith.LEARNER
    )
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.OUTBOUND
    )
    outcome = models.CharField(
        max_length=20, choices=Outcome.choices, default=Outcome.NOT_APPLICABLE
    )
    welfare_check = models.BooleanField(
        default=False, help_text="This contact was a welfare and wellbeing check."
    )
    notes = models.TextField(blank=True)
    confidential = models.BooleanField(
        "safeguarding confidential",
        default=False,
        help_text="Only the safeguarding team can read the notes and attachments.",
    )
    risk_factors = models.ManyToManyField(RiskFactor, blank=True, related_name="contacts")
    rating = models.OneToOneField(
        RiskRating, on_delete=models.PROTECT, null=True, blank=True, related_name="log_entry"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name_plural = "contact log entries"
        indexes = [models.Index(fields=["learner", "-occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_type=ContactType.RISK_RATING, rating__isnull=False)
                | (~Q(contact_type=ContactType.RISK_RATING) & Q(rating__isnull=True)),
                name="risk_rating_entries_link_their_rating",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_contact_type_display()} with {self.learner} on {self.occurred_at:%Y-%m-%d}"
        )


def attachment_path(instance: "ContactAttachment", filename: str) -> str:
    # A random stored name: the user's file name never reaches the file system.
    return f"contact-attachments/{instance.entry.learner_id}/{uuid.uuid4().hex}"


class ContactAttachment(models.Model):
    entry = models.ForeignKey(ContactLogEntry, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        # Never the file's name: str() reaches pages no access check guards (the admin's
        # delete pages list what a user's deletion touches), and a confidential entry's file
        # name is for the safeguarding team only. Pages name files through original_name.
        return f"Attachment {self.pk} ({self.content_type})"


class SupportKind(models.TextChoices):
    SUPPORT_PLAN = "support_plan", "Support plan"
    ENGAGEMENT_CONTRACT = "engagement_contract", "Engagement contract"
    MOTIVATION_CONTRACT = "motivation_contract", "Motivation contract"
    SUPPORT_CONTRACT = "support_contract", "Support contract"


class SupportRecord(models.Model):
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="support_records")
    kind = models.CharField(max_length=30, choices=SupportKind.choices)
    summary = models.TextField(help_text="What was agreed with the learner, and why.")
    agreed_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    shared_with_employer = models.BooleanField(default=False)
    interventions = models.ManyToManyField(Intervention, blank=True, related_name="support_records")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-agreed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(review_on__gte=models.F("agreed_on")),
                name="support_review_not_before_agreement",
                violation_error_message="The review date cannot be before the date agreed.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.learner}"


class ActionOwner(models.TextChoices):
    LEARNER = "learner", "Learner"
    EMPLOYER = "employer", "Employer"
    TUTOR = "tutor", "Tutor"
    PROVIDER = "provider", "Other provider staff"


class AgreedAction(models.Model):
    support_record = models.ForeignKey(
        SupportRecord, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.CharField(max_length=300)
    owner = models.CharField(max_length=10, choices=ActionOwner.choices)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(done_at__isnull=True), name="open_actions_by_due"
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

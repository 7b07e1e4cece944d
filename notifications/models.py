from django.conf import settings
from django.db import models


class Notification(models.Model):
    """An in-app message to one person. ``dedupe_key`` makes senders idempotent: the same
    event (a reminder for one stage of one case, say) reaches each person once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="one_notification_per_event"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient}"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class EmailDelivery(models.Model):
    """One e-mail, stored before it is sent so none is lost silently: queued, sending (claimed
    by a worker), sent, or failed with the last error. ``dedupe_key`` is unique, so the same
    event never e-mails twice."""

    to_address = models.EmailField(max_length=254)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email_deliveries",
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=EmailStatus, default=EmailStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    dedupe_key = models.CharField(max_length=300, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "e-mail deliveries"
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_address} ({self.status})"


class EmailAttachment(models.Model):
    """A file sent with an e-mail (a stage letter's PDF, say), kept with the row so a retry
    sends exactly what was queued."""

    delivery = models.ForeignKey(
        EmailDelivery, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately, one e-mail per notification"
    DIGEST = "digest", "Once a day, in a morning digest"
    NONE = "none", "No e-mails (notifications in the app only)"


class NotificationPreference(models.Model):
    """How a person wants to hear of their notifications by e-mail. No row means immediate."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(max_length=10, choices=EmailMode, default=EmailMode.IMMEDIATE)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.email_mode}"


# The letter key of the written confirmation a withdrawal ends with (the stage letters use the
# key of the preset stage's ``letter``).
WITHDRAWAL_CONFIRMATION = "withdrawal_confirmation"


class LetterTemplate(models.Model):
    """A stage letter (or the withdrawal confirmation) for one policy, written in Django's
    template language with the variables in notifications.letter_rendering.LETTER_VARIABLES
    only. Admins edit these; the admin form refuses a template that does not compile and render
    with sample data, so a typo is a form error, never a failure when a letter is sent."""

    policy_key = models.CharField(max_length=30)
    letter_key = models.CharField(
        max_length=40,
        help_text="A stage's letter in the policy's versions (stage_1, formal_warning...) or "
        f"{WITHDRAWAL_CONFIRMATION}.",
    )
    name = models.CharField(max_length=120)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    send_to_employer = models.BooleanField(
        default=True,
        help_text="Also sent to the employer (workplace mentor) when the learner has one, as "
        'the policy says ("to the learner and employer").',
    )
    active = models.BooleanField(default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["policy_key", "letter_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy_key", "letter_key"], name="one_letter_template_per_policy_letter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.policy_key})"

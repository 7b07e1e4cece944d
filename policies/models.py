from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Policy(models.Model):
    """A provider's named policy ("Aspiration Training: Managing learners at-risk"). What it
    says is in its versions; teams follow a policy (learners.Team.policy)."""

    key = models.SlugField(max_length=30, unique=True)
    short_name = models.CharField(max_length=40, help_text='As in "5 working days: MTT Stage 1"')
    name = models.CharField(max_length=200)
    # The policy a new team follows unless the admin picks another.
    default_for_new_teams = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(
                fields=["default_for_new_teams"],
                condition=Q(default_for_new_teams=True),
                name="one_default_policy",
                violation_error_message="Another policy is already the default for new teams.",
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from policies.selectors import spec_cache_clear

        spec_cache_clear()  # the default for new teams is remembered briefly


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class PolicyVersion(models.Model):
    """One version of a policy: everything it says is ``document`` (policies/documents.py reads
    it). A draft may change; a published version never does (cases pin it); a retired one no
    longer applies to new cases but still runs the cases pinned to it."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    label = models.CharField(max_length=60, help_text='"2022 (ATL 1.2)"')
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    effective_from = models.DateField(null=True, blank=True)
    document = models.JSONField()
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    publish_reason = models.TextField(blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retire_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="one_version_per_number"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(effective_from__isnull=False),
                name="published_version_has_effective_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.short_name} {self.label}"

    def save(self, *args, **kwargs):
        # Published text never changes: only the status (retirement) may.
        if self.pk is not None:
            stored = (
                PolicyVersion.objects.filter(pk=self.pk)
                .values("status", "document", "effective_from")
                .first()
            )
            changed = stored and (stored["document"], stored["effective_from"]) != (
                self.document,
                self.effective_from,
            )
            if changed and stored["status"] != VersionStatus.DRAFT:
                raise ValidationError(
                    f"{self} is {stored['status']}: a published version cannot be changed. "
                    "Start a draft from it instead."
                )
        super().save(*args, **kwargs)

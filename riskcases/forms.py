import datetime as dt
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from learners.models import Learner, LearnerStatus
from learners.policy_reading import organisation_policy
from learners.validators import (
    BoundedModelMultipleChoiceField,
    CleanForm,
    validate_date_window,
    years_from,
)
from policies.spec import PolicySpec
from riskcases.attachments import ALLOWED_DESCRIPTION, CheckedAttachment, attachment_check
from riskcases.models import (
    ActionOwner,
    ContactType,
    ContactWith,
    Direction,
    Intervention,
    Outcome,
    RiskFactor,
    RiskFactorKind,
    RiskLevel,
    SupportKind,
)

MAX_ATTACHMENTS = 5
TEXT_LIMIT = 10_000


def rating_choices(policy: PolicySpec | None = None) -> list[tuple[str, str]]:
    """Each level in the words of ``policy`` (the learner's team's; by default the
    organisation's default policy)."""
    preset = policy or organisation_policy()
    return [
        (level, f"{preset.label(level)}: {preset.rating_meanings[level]}")
        for level in RiskLevel.values
    ]


class TokenForm(CleanForm):
    """Carries a one-off token so a double click or a re-sent form stores one entry."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())


class FactorChoiceField(BoundedModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: RiskFactor) -> str:
        return obj.name


class RatingChangeForm(TokenForm):
    level = forms.ChoiceField(label="New rating", widget=forms.RadioSelect)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        help_text="Why the rating is changing: what you saw or heard.",
    )
    # During-programme factors; start-of-programme ones are chosen at enrolment.
    risk_factors = FactorChoiceField(
        queryset=RiskFactor.objects.filter(active=True, kind=RiskFactorKind.DURING),
        required=False,
        label="Risk factors that apply",
    )

    def __init__(self, *args, policy: PolicySpec | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = rating_choices(policy)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ContactForm(TokenForm):
    occurred_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    contact_type = forms.ChoiceField(
        label="Type", choices=[c for c in ContactType.choices if c[0] != ContactType.RISK_RATING]
    )
    contact_with = forms.ChoiceField(label="With", choices=ContactWith.choices)
    direction = forms.ChoiceField(choices=Direction.choices)
    outcome = forms.ChoiceField(choices=Outcome.choices)
    welfare_check = forms.BooleanField(
        required=False, label="This was a welfare and wellbeing check"
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=TEXT_LIMIT
    )
    confidential = forms.BooleanField(
        required=False,
        label="Safeguarding confidential",
        help_text="Only the safeguarding team will be able to read the notes and attachments.",
    )
    risk_factors = FactorChoiceField(
        queryset=RiskFactor.objects.filter(active=True, kind=RiskFactorKind.DURING),
        required=False,
        label="Risk factors raised",
    )
    attachments = MultipleFileField(
        required=False,
        label="Copies of correspondence",
        help_text=f"Up to {MAX_ATTACHMENTS} files: {ALLOWED_DESCRIPTION}.",
    )

    def __init__(self, *args, learner: Learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner
        if not self.is_bound:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )
        if learner.employer_id is None:
            self.fields["contact_with"].choices = [(ContactWith.LEARNER, "Learner")]

    def clean_attachments(self) -> list[CheckedAttachment]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(f"Attach at most {MAX_ATTACHMENTS} files at a time.")
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(attachment_check(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return checked

    def clean_occurred_at(self) -> dt.datetime:
        when = self.cleaned_data["occurred_at"]
        if when > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError("A contact cannot be logged in the future.")
        if when.date() < self.learner.start_date - dt.timedelta(days=366):
            raise ValidationError("That is more than a year before the learner started.")
        return when


# How far from today (in years) a date typed on these forms may be.
START_YEARS_BACK, START_YEARS_AHEAD = 10, 1
PROGRAMME_MAX_YEARS = 10
DUE_YEARS = 5


def due_date_window(value: dt.date | None) -> None:
    today = timezone.localdate()
    validate_date_window(
        value, earliest=years_from(today, -DUE_YEARS), latest=years_from(today, DUE_YEARS)
    )


class SupportRecordForm(TokenForm):
    kind = forms.ChoiceField(label="Type", choices=SupportKind.choices)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        help_text="What was discussed and agreed with the learner (and employer).",
    )
    agreed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    review_on = forms.DateField(
        required=False,
        label="Review date",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[due_date_window],
    )
    shared_with_employer = forms.BooleanField(required=False, label="Shared with the employer")
    interventions = BoundedModelMultipleChoiceField(
        queryset=Intervention.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("agreed_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        agreed, review = data.get("agreed_on"), data.get("review_on")
        if agreed and review and review < agreed:
            self.add_error("review_on", "The review date cannot be before the date agreed.")
        if agreed and agreed > timezone.localdate():
            self.add_error("agreed_on", "The date agreed cannot be in the future.")
        return data


class AgreedActionForm(CleanForm):
    description = forms.CharField(max_length=300, required=False, label="Action")
    owner = forms.ChoiceField(choices=[("", "Who"), *ActionOwner.choices], required=False)
    due_on = forms.DateField(
        required=False,
        label="Due",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[due_date_window],
    )

    def clean(self):
        data = super().clean()
        filled = [bool(data.get(k)) for k in ("description", "owner", "due_on")]
        if any(filled) and not all(filled):
            for name in ("description", "owner", "due_on"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "Needed for this action.")
        return data

    @property
    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("description"))


AgreedActionFormSet = forms.formset_factory(AgreedActionForm, extra=3, max_num=10, absolute_max=10)


class EnrolForm(TokenForm, forms.ModelForm):
    level = forms.ChoiceField(label="Starting risk rating", widget=forms.RadioSelect)
    start_factors = FactorChoiceField(
        queryset=RiskFactor.objects.filter(active=True, kind=RiskFactorKind.START),
        required=False,
        label="Start-of-programme risk factors",
        help_text="Leave empty if none applies: the learner then starts Low.",
    )
    rating_reason = forms.CharField(
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why this starting rating",
        help_text="Needed for Medium or High.",
    )

    class Meta:
        model = Learner
        fields = [
            "first_name",
            "last_name",
            "uln",
            "email",
            "phone",
            "programme_type",
            "nation",
            "course",
            "employer",
            "team",
            "tutor",
            "start_date",
            "planned_end_date",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "planned_end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user, teams, tutors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = rating_choices()
        self.fields["level"].initial = RiskLevel.LOW
        self.fields["team"].queryset = teams
        self.fields["tutor"].queryset = tutors
        self.fields["tutor"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.instance.status = LearnerStatus.ON_PROGRAMME
        self.user = user

    def clean_start_date(self) -> dt.date:
        start, today = self.cleaned_data["start_date"], timezone.localdate()
        validate_date_window(
            start,
            earliest=years_from(today, -START_YEARS_BACK),
            latest=years_from(today, START_YEARS_AHEAD),
        )
        return start

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("planned_end_date")
        if start and end:
            if end <= start:
                self.add_error("planned_end_date", "The planned end must be after the start.")
            elif end > years_from(start, PROGRAMME_MAX_YEARS):
                self.add_error(
                    "planned_end_date",
                    f"The planned end must be within {PROGRAMME_MAX_YEARS} years of the start.",
                )
        team, tutor = data.get("team"), data.get("tutor")
        if team and tutor and not team.tutors.filter(pk=tutor.pk).exists():
            self.add_error(
                "tutor",
                f"{tutor.get_full_name() or tutor.username} is not a tutor of {team}; "
                "choose one of its tutors.",
            )
        factors, level = data.get("start_factors"), data.get("level")
        if level and level != RiskLevel.LOW and not (data.get("rating_reason") or "").strip():
            self.add_error("rating_reason", "Say why the learner starts above Low.")
        if factors and level == RiskLevel.LOW:
            self.add_error(
                "level",
                "A start-of-programme risk factor applies, so rate the learner Medium or High.",
            )
        if level and level != RiskLevel.LOW and not factors:
            self.add_error(
                "start_factors",
                "Choose the start-of-programme risk factor that applies, or rate Low.",
            )
        return data

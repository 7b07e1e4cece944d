"""The forms a tutor uses to add an activity record on the learner page, one per kind. Breaks
in learning are started and ended through their own process, not here."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone

from learners.models import (
    EmploymentChange,
    ProgressEvent,
    ProgressSnapshot,
    ScheduledSession,
    Submission,
    Visit,
    WorkAbsence,
)
from learners.validators import CleanModelForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordForm(CleanModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                "Record what has happened: the date cannot be in the future."
            )
        return day


def record_form(model, fields: list[str], date_label: str, **extra) -> type[RecordForm]:
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": ["occurred_on", *fields],
            "labels": {"occurred_on": date_label, **extra.pop("labels", {})},
            "widgets": {"occurred_on": DATE, **extra.pop("widgets", {})},
            "help_texts": extra.pop("help_texts", {}),
        },
    )
    return type(f"{model.__name__}Form", (RecordForm,), {"Meta": meta})


@dataclass(frozen=True)
class ActivityRecordForm:
    slug: str
    label: str  # "a session", as in "Add a session"
    form: type[RecordForm]


ACTIVITY_RECORD_FORMS: dict[str, ActivityRecordForm] = {
    kind.slug: kind
    for kind in (
        ActivityRecordForm(
            "session",
            "Session attendance",
            record_form(ScheduledSession, ["title", "kind", "attendance"], "Date of the session"),
        ),
        ActivityRecordForm(
            "visit",
            "Visit or review",
            record_form(Visit, ["kind", "outcome"], "Date booked"),
        ),
        ActivityRecordForm(
            "homework",
            "Homework or assignment",
            record_form(Submission, ["title", "outcome"], "Due date"),
        ),
        ActivityRecordForm(
            "progress",
            "Progress against plan",
            record_form(
                ProgressSnapshot,
                ["actual_percent", "planned_percent"],
                "Date",
                help_texts={
                    "actual_percent": "How much of the programme is complete, 0 to 100.",
                    "planned_percent": "How much the plan expected by this date, 0 to 100.",
                },
            ),
        ),
        ActivityRecordForm(
            "progress-event",
            "Recorded progress",
            record_form(ProgressEvent, ["kind", "description"], "Date"),
        ),
        ActivityRecordForm(
            "absence",
            "Absence from work",
            record_form(
                WorkAbsence,
                ["explained", "notes"],
                "Date of the absence",
                labels={"explained": "The absence was explained (by the learner or employer)"},
            ),
        ),
        ActivityRecordForm(
            "employment",
            "Employment change",
            record_form(
                EmploymentChange,
                ["kind", "employer_name"],
                "Date",
                labels={"employer_name": "Employer"},
            ),
        ),
    )
}

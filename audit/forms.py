"""The audit page's filters (GET). Anything not understood is a form error, and that filter is
ignored."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model

from audit.actor import SYSTEM
from audit.models import ACCESS_KIND, Operation
from audit.registry import GROUPS
from learners.validators import CleanForm


class AuditFilterForm(CleanForm):
    learner = forms.CharField(
        label="Learner", required=False, max_length=100, help_text="Name or ULN"
    )
    user = forms.ChoiceField(label="Who", required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label="Record",
        required=False,
        choices=[("", "Any record"), *GROUPS.items(), (ACCESS_KIND, "Views and downloads")],
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *Operation.choices]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        users = (
            get_user_model()
            .objects.order_by("username")
            .only("pk", "username", "first_name", "last_name")
        )
        self.fields["user"].choices = [
            ("", "Anyone"),
            (SYSTEM, "System (background jobs, commands)"),
            *((str(u.pk), f"{u.get_full_name() or u.username} ({u.username})") for u in users),
        ]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date.")
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day and not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
                self.add_error(name, "Enter a date between 2000 and 2100.")
        return data

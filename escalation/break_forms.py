"""Forms for starting a break in learning, recording the return and changing the expected
return date. They only read the dates; the rules (no future start, return after start, one
break at a time) are escalation/breaks.py's, shown on these fields when it refuses."""

from django import forms
from django.utils import timezone

from escalation.breaks import RETURN_DATE_REQUIRED
from learners.record_forms import DATE
from learners.validators import CleanForm


def _date_field(label: str, help_text: str = "", **messages: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DATE,
        help_text=help_text,
        error_messages=messages,
    )


class BreakStartForm(CleanForm):
    started_on = _date_field("First day of the break")
    expected_return_on = _date_field(
        "Expected return date",
        "The policy requires one: the day the learner expects to return to learning.",
        required=RETURN_DATE_REQUIRED,
    )
    reason = forms.CharField(
        label="Reason for the break",
        max_length=300,
        help_text="For example caring responsibilities, health, or a change of job role.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate()


class BreakReturnForm(CleanForm):
    returned_on = _date_field("Date the learner returned to learning")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["returned_on"].initial = timezone.localdate()


class BreakReturnDateForm(CleanForm):
    expected_return_on = _date_field(
        "New expected return date",
        "The date the learner has now given for returning to learning.",
        required=RETURN_DATE_REQUIRED,
    )

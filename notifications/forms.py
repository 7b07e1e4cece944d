from django import forms

from learners.validators import CleanForm
from notifications.models import EmailMode


class PreferenceForm(CleanForm):
    email_mode = forms.ChoiceField(
        label="E-mail me my notifications",
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
    )

from django import forms

from notifications.models import EmailMode


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(
        label="E-mail me my notifications",
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
    )

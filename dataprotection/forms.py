from django import forms

from learners.validators import CleanForm


class SubjectAccessForm(CleanForm):
    include_confidential = forms.BooleanField(
        label="Include confidential safeguarding entries and their attachments",
        required=False,
        initial=True,
        help_text="A subject access request discloses them unless an exemption applies "
        "(for example, disclosure would be likely to cause serious harm, or would identify "
        "another person who has not agreed). Leave this ticked unless you rely on one.",
    )
    withheld_reason = forms.CharField(
        label="Exemption relied on (when withholding them)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("include_confidential") and not (data.get("withheld_reason") or "").strip():
            self.add_error(
                "withheld_reason", "Say which exemption applies, or include the entries."
            )
        return data

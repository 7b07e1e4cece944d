"""The withdrawal process's forms: a director's decision, the employer's agreement, the exit
review, the written confirmation, appeals, and raising a withdrawal by hand."""

from django import forms

from learners.roles import WRITERS, Role, roles_of
from learners.validators import BoundedModelMultipleChoiceField, CleanForm
from riskcases.attachments import ALLOWED_DESCRIPTION
from riskcases.forms import TEXT_LIMIT
from withdrawals.models import AgreementMethod, Appellant, ExitTheme, WithdrawalReason

# Who records the steps of a withdrawal (agreements, reviews, letters, appeals as received);
# only directors decide.
RECORDERS = (*WRITERS, Role.DIRECTOR)


def may_record_withdrawal(user) -> bool:
    return user.is_superuser or bool(roles_of(user) & set(RECORDERS))


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: str, help_text: str = "", rows: int = 3, required: bool = True):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ReasonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: WithdrawalReason) -> str:
        return f"{obj.code}: {obj.description}"


class WithdrawalDecisionForm(CleanForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve the withdrawal"), ("reject", "Reject it")],
        widget=forms.RadioSelect,
    )
    reason = _text("Reason for your decision", "Directors' decisions are kept on record.")
    ilr_reason = ReasonChoiceField(
        queryset=WithdrawalReason.objects.none(),
        required=False,
        label="ILR withdrawal reason (needed to approve)",
    )
    last_day_of_learning = forms.DateField(
        required=False,
        widget=DATE,
        label="Last day of learning (needed to approve)",
        help_text="The date of the learner's last learning activity, as the ILR records it.",
    )

    contact_override = _text(
        "Approve without the required contact attempts: why",
        "The policy requires contact attempts before withdrawal that are not all logged. "
        "Your reason is kept with the decision and shown on the evidence.",
        required=False,
    )

    def __init__(self, *args, reasons=None, ilr_year: str = "", contact_check=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ilr_reason"].queryset = reasons
        self.fields["ilr_reason"].help_text = f"Codes from the ILR {ilr_year} specification."
        # Only where the version requires contact attempts before withdrawal and they are
        # not all on the record (withdrawals/requirements.py).
        if contact_check is None or contact_check.met:
            del self.fields["contact_override"]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve":
            for field in ("ilr_reason", "last_day_of_learning"):
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, "Needed to approve a withdrawal.")
        return data


class EmployerAgreementForm(CleanForm):
    agreed_by_name = forms.CharField(label="Who agreed", max_length=200)
    agreed_by_role = forms.CharField(label="Their role at the employer", max_length=200)
    agreed_on = forms.DateField(label="Date agreed", widget=DATE)
    method = forms.ChoiceField(
        label="How they agreed", choices=AgreementMethod.choices, widget=forms.RadioSelect
    )
    notes = _text("Notes", required=False)
    file = forms.FileField(
        label="The employer's agreement",
        help_text=f"Their e-mail, letter, signed form or your file note: {ALLOWED_DESCRIPTION}.",
    )


class ExitReviewForm(CleanForm):
    reasons = _text("Reasons for leaving, in the learner's words", rows=4)
    themes = BoundedModelMultipleChoiceField(
        queryset=ExitTheme.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        label="Themes",
        help_text="The leaver panel counts these to find trends.",
    )
    might_have_kept = _text("What might have kept the learner on programme", rows=4)
    learner_took_part = forms.BooleanField(
        required=False, initial=True, label="The learner took part in the review"
    )


class ConfirmationForm(CleanForm):
    sent_on = forms.DateField(label="Date the written confirmation was sent", widget=DATE)
    note = forms.CharField(label="Note", required=False, max_length=500)


class AppealLodgeForm(CleanForm):
    appellant = forms.ChoiceField(
        label="Who is appealing", choices=Appellant.choices, widget=forms.RadioSelect
    )
    received_on = forms.DateField(label="Date the appeal was received", widget=DATE)
    grounds = _text("Grounds of the appeal", "Their reasons and the evidence they gave.", rows=4)


class AppealDecisionForm(CleanForm):
    outcome = forms.ChoiceField(
        choices=[
            ("uphold", "Uphold the withdrawal"),
            ("overturn", "Overturn it and reinstate the learner"),
        ],
        widget=forms.RadioSelect,
    )
    reason = _text("Reason for your decision")
    reinstate_at_stage = forms.ChoiceField(
        required=False, label="Reopen the case at (when overturning)"
    )
    due_on = forms.DateField(
        required=False,
        widget=DATE,
        label="Due date (time plan)",
        help_text="Only for stages whose policy has the person starting them set the due date.",
    )

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reinstate_at_stage"].choices = [("", "Choose…")] + [
            (stage.key, stage.name) for stage in stages
        ]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "overturn" and not data.get("reinstate_at_stage"):
            self.add_error("reinstate_at_stage", "Choose the stage the case reopens at.")
        return data


class LateAcceptForm(CleanForm):
    reason = _text("Why accept this appeal late")


class WithdrawalRaiseForm(CleanForm):
    grounds = _text("Grounds for withdrawal", "What was tried at each stage, and what happened.")

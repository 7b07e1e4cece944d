"""The case page's forms: a move with its reason, a stage's recommendation, and the stage
letter's send and "not sent"."""

from django import forms

from learners.validators import CleanForm
from riskcases.forms import TEXT_LIMIT, due_date_window


class CaseMoveForm(CleanForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        help_text="What happened, and why the case moves.",
    )
    due_on = forms.DateField(
        required=False,
        label="Due date (time plan)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For a stage whose policy has the person starting it set the due date.",
        validators=[due_date_window],
    )
    expected_return_on = forms.DateField(
        required=False,
        label="Expected return date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For a break in learning: the day the learner expects to return.",
        validators=[due_date_window],
    )
    expected_stage = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        # Its own ids: the letter's "not sent" form on the same page has a "reason" too.
        kwargs.setdefault("auto_id", "move_%s")
        super().__init__(*args, **kwargs)


class RecommendationForm(CleanForm):
    """The recommendation a stage ends in: one of its outcomes (free text where it lists
    none), and why."""

    outcome = forms.CharField(label="Recommendation", max_length=200)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        label="Why",
        help_text="What the reviews found, and why this is the right next step.",
    )
    send_email = forms.BooleanField(
        required=False,
        initial=True,
        label="E-mail the confirmation now",
        help_text="To the apprentice and the line manager, copying in the people the policy "
        "names. Or send it later from the stage history.",
    )
    expected_stage = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, outcomes: tuple[str, ...] = (), **kwargs):
        # Its own ids: the move form on the same page has a "reason" too.
        kwargs.setdefault("auto_id", "recommend_%s")
        super().__init__(*args, **kwargs)
        if outcomes:
            self.fields["outcome"] = forms.ChoiceField(
                label="Recommendation", choices=[("", "Choose…"), *((o, o) for o in outcomes)]
            )


class StageReviewForm(CleanForm):
    """One review meeting of the stage: when it was held, what it recorded under each of the
    stage's review points (a field each), and whether the employer attended."""

    held_on = forms.DateField(
        label="Held on",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[due_date_window],
    )
    employer_attended = forms.BooleanField(
        required=False, label="The line manager or someone from the employer attended"
    )
    expected_stage = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, points: tuple[str, ...] = (), employer_expected=False, **kwargs):
        kwargs.setdefault("auto_id", "review_%s")
        super().__init__(*args, **kwargs)
        self.point_names = []
        for index, point in enumerate(points):
            name = f"point_{index}"
            self.fields[name] = forms.CharField(
                label=point, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.point_names.append((name, point))
        if employer_expected:
            self.fields["employer_attended"].help_text = (
                "The employer must attend at this stage: if nobody did, the record is e-mailed "
                "to them."
            )

    def point_fields(self):
        return [self[name] for name, _ in self.point_names]

    def points(self) -> dict[str, str]:
        return {point: self.cleaned_data[name] for name, point in self.point_names}

    def point_field_for(self, point: str) -> str:
        return next((name for name, label in self.point_names if label == point), point)


class LetterSendForm(CleanForm):
    """Send the stage letter shown in the preview (refused if the case moved on meanwhile)."""

    expected_stage = forms.CharField(widget=forms.HiddenInput)


class LetterSkipForm(CleanForm):
    """Record that the stage letter was not sent, and why."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_LIMIT,
        label="Why the letter was not sent",
        help_text="For example: told in person at a three-way meeting, with the notes logged.",
    )
    expected_stage = forms.CharField(widget=forms.HiddenInput)


class WithdrawalOutsideLadderForm(CleanForm):
    """A withdrawal raised outside the ladder: which of the version's routes, and why."""

    route = forms.ChoiceField(label="Why the programme ends", widget=forms.RadioSelect)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        label="What happened",
        help_text="For example: the learner told us on the phone on 3 December that they have "
        "taken a job outside the sector; the employer knows.",
    )

    def __init__(self, *args, routes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = [(move.key, move.label) for move in routes]
        if len(routes) == 1:  # the only way open to this user: chosen already
            self.fields["route"].initial = routes[0].key


class CaseTaskDoneForm(CleanForm):
    """A dated task ticked off, with what was agreed."""

    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_LIMIT,
        label="What was agreed",
        help_text="The interventions agreed, and who does what.",
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: the page has several forms.
        kwargs.setdefault("auto_id", "task_%s")
        super().__init__(*args, **kwargs)

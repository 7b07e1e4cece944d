"""Stage letter templates: every default renders for every preset with a real case; dates and
working-day deadlines; the admin refuses a broken template; the sandbox."""

import datetime as dt
import subprocess

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from demo.factories import (
    ContactLogEntryFactory,
    LearnerFactory,
    UserFactory,
    open_case,
    stage_letter_not_sent,
)
from escalation.letter_sending import letter_context_for_case
from escalation.services import case_advance, case_policy
from notifications.letter_rendering import (
    SAMPLE_CONTEXT,
    Letterhead,
    letter_pdf,
    letter_render,
    template_problems,
)
from notifications.models import WITHDRAWAL_CONFIRMATION, LetterTemplate
from policies.seeding import shipped_keys, shipped_spec
from tests.conftest import ARTIFACTS, MONDAY
from tests.policy_helpers import team_follows
from withdrawals.letters import letter_context_for_withdrawal
from withdrawals.models import WithdrawalReason, WithdrawalRequest

pytestmark = pytest.mark.django_db


STAGE_LETTERS = [
    (preset.key, stage.key, stage.letter)
    for preset in map(shipped_spec, shipped_keys())
    for stage in preset.stages
    if stage.letter
]


def used_variables(source: str) -> set[str]:
    """The variable names a template uses (the sandbox refuses any other)."""
    from django.template.base import Lexer

    names = set()
    for token in Lexer(source).tokenize():
        if token.token_type.name in ("VAR", "BLOCK"):
            for word in token.split_contents():
                head = word.split("|")[0]
                if head.isidentifier() and head not in {"if", "elif", "else", "endif", "and"}:
                    names.add(head)
    return names


def meet_requirements(case, move) -> None:
    """The review meetings and the recommendation (e-mailed) a Makers move needs, recorded by a
    superuser (who may record at any stage)."""
    from escalation.recommendation_emails import case_recommendation_email
    from escalation.recommendations import case_recommendation_record
    from escalation.stage_reviews import stage_review_record

    stage = shipped_spec(case_policy(case).key).stage(case.stage)
    admin = UserFactory(is_superuser=True)
    for _ in range(move.requires.review_meetings):
        stage_review_record(
            case=case,
            by=admin,
            held_on=timezone.localdate(),
            points=dict.fromkeys(stage.review_points, "Discussed"),
            employer_attended=True,
        )
    if move.requires.outcome:
        recommendation = case_recommendation_record(
            case=case, by=admin, outcome=move.requires.outcome, reason="As the reviews found"
        )
        case_recommendation_email(recommendation=recommendation, by=admin)


def case_at(learner, preset_key: str, stage_key: str, settings):
    """A case of ``preset_key`` brought to ``stage_key`` the way people move it."""
    team_follows(learner.team, preset_key)
    preset = shipped_spec(preset_key)
    case = open_case(learner)
    while case.stage != stage_key:
        if preset.stage(case.stage).letter:
            stage_letter_not_sent(case)
        # The contact attempts the person's move requires, each over another channel.
        move = next(m for m in preset.moves_from(case.stage, kind="forward") if m.people)
        for channel in ("phone", "email", "letter")[: move.requires.contact_attempts]:
            ContactLogEntryFactory(learner=learner, contact_type=channel)
        meet_requirements(case, move)
        nxt = preset.next_stage(case.stage)
        due_on = (
            timezone.localdate() + dt.timedelta(days=25) if nxt.deadline_set_by_person else None
        )
        case = case_advance(case=case, by=learner.tutor, reason="No reply", due_on=due_on)
    return case


@pytest.fixture
def apprentice(tutor, team):
    tutor.first_name, tutor.last_name = "Tara", "Tutor"
    tutor.save()
    return LearnerFactory(
        tutor=tutor,
        team=team,
        first_name="Lily",
        last_name="Learner",
        employer__name="Acme Joinery Ltd",
        employer__mentor_name="Morgan Mentor",
    )


def test_every_preset_stage_with_a_letter_has_a_default_template_and_a_confirmation():
    for preset_key, _stage, letter in STAGE_LETTERS:
        assert LetterTemplate.objects.filter(policy_key=preset_key, letter_key=letter).exists()
    for preset_key in shipped_keys():
        confirmation = LetterTemplate.objects.get(
            policy_key=preset_key, letter_key=WITHDRAWAL_CONFIRMATION
        )
        assert confirmation.active and confirmation.send_to_employer
    assert LetterTemplate.objects.count() == len(STAGE_LETTERS) + len(shipped_keys())


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize(("preset_key", "stage_key", "letter_key"), STAGE_LETTERS)
def test_each_stage_letter_renders_for_its_preset_with_no_variable_empty(
    preset_key, stage_key, letter_key, apprentice, settings
):
    case = case_at(apprentice, preset_key, stage_key, settings)
    template = LetterTemplate.objects.get(policy_key=preset_key, letter_key=letter_key)
    context = letter_context_for_case(case)
    for name in used_variables(template.subject + template.body):
        assert context[name] not in ("", None), f"{name} is empty in {template.name}"
    rendered = letter_render(template=template, context=context)
    assert "Lily Learner" in rendered.subject
    stage = shipped_spec(preset_key).stage(stage_key)
    text = rendered.body_text
    assert text.startswith("Dear Lily,") and "ULN " + apprentice.uln in text
    assert "Acme Joinery Ltd" in text and "Tara Tutor" in text
    assert "None" not in text and "{" not in text and "  " not in text
    provider = shipped_spec(preset_key).name.split(":")[0]
    assert text.rstrip().endswith(f"on behalf of {provider}")
    if "stage_name" in used_variables(template.body):
        assert stage.name in text
    if case.stage_due_on and "due_rule" in used_variables(template.body):
        assert f"{case.stage_due_on:%A} {case.stage_due_on.day} {case.stage_due_on:%B %Y}" in text


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("preset_key", shipped_keys())
def test_each_withdrawal_confirmation_renders_for_its_preset(preset_key, apprentice, settings):
    case = case_at(apprentice, preset_key, shipped_spec(preset_key).stages[0].key, settings)
    request = WithdrawalRequest(
        case=case,
        learner=apprentice,
        grounds="No response",
        raised_at=timezone.now(),
        ilr_reason=WithdrawalReason.objects.get(ilr_year="2026/27", code=44),
        last_day_of_learning=dt.date(2026, 10, 30),
        withdrawn_at=timezone.now(),
        appeal_by=dt.date(2026, 12, 7),
    )
    template = LetterTemplate.objects.get(policy_key=preset_key, letter_key=WITHDRAWAL_CONFIRMATION)
    context = letter_context_for_withdrawal(request)
    for name in used_variables(template.subject + template.body):
        assert context[name] not in ("", None), f"{name} is empty in {template.name}"
    text = letter_render(template=template, context=context).body_text
    assert "Monday 23 November 2026" in text  # withdrawn on
    assert "Friday 30 October 2026" in text  # last day of learning
    assert "44 Other personal reasons" in text
    appeal_days = shipped_spec(preset_key).appeal_working_days
    assert f"within {appeal_days} working days, by Monday 7 December 2026" in text
    assert "None" not in text and "{" not in text


@time_machine.travel(dt.datetime(2026, 12, 23, 10, tzinfo=dt.UTC), tick=False)
def test_deadlines_are_working_days_shown_as_dates_across_christmas(apprentice, tutor, team):
    # Wednesday 23 December 2026: 25, 28 (Boxing Day's substitute) and 1 January are bank
    # holidays, so 5 working days run to Monday 4 January 2027; a trainee's 3 to 30 December.
    case = case_advance(case=open_case(apprentice), by=tutor, reason="No reply")
    template = LetterTemplate.objects.get(policy_key="aspiration", letter_key="stage_1")
    text = letter_render(template=template, context=letter_context_for_case(case)).body_text
    assert "started on Wednesday 23 December 2026" in text
    assert "within 5 working days, by Monday 4 January 2027" in text
    trainee = LearnerFactory(tutor=tutor, team=team, programme_type="traineeship")
    case = case_advance(case=open_case(trainee), by=tutor, reason="No reply")
    context = letter_context_for_case(case)
    assert context["due_rule"] == "within 3 working days, by Wednesday 30 December 2026"
    assert context["working_days"] == 3 and context["employer_name"] == ""
    text = letter_render(template=template, context=context).body_text
    assert "Employer:" not in text and " and ." not in text


class TestSandbox:
    def test_it_refuses_reaching_behind_a_variable(self):
        problems = template_problems("{{ learner.tutor.password }} {{ due_on.year }}", "stage_1")
        assert len(problems) == 2 and "never a part of one" in problems[0]
        template = LetterTemplate(
            policy_key="aspiration", letter_key="stage_1", subject="Hi", body="{{ uln.zfill }}"
        )
        with pytest.raises(ValidationError, match="never a part of one"):
            letter_render(template=template, context=SAMPLE_CONTEXT)

    def test_it_refuses_names_outside_the_list_even_if_passed(self):
        template = LetterTemplate(
            policy_key="aspiration", letter_key="stage_1", subject="Hi", body="{{ secret }}"
        )
        with pytest.raises(ValidationError, match="not a letter variable"):
            letter_render(template=template, context=SAMPLE_CONTEXT | {"secret": "x"})
        # Withdrawal variables belong to the confirmation only.
        assert template_problems("{{ appeal_by }}", "stage_1")
        assert not template_problems("{{ appeal_by }}", WITHDRAWAL_CONFIRMATION)

    @pytest.mark.parametrize(
        "source",
        [
            "{% debug %}",
            '{% include "base.html" %}',
            "{% load static %}",
            "{% csrf_token %}",
            "{{ uln|safe }}",
            "{% with x=uln %}{{ x }}{% endwith %}",
        ],
    )
    def test_it_refuses_tags_and_filters_outside_the_sandbox(self, source):
        assert template_problems(source, "stage_1")

    def test_values_and_the_templates_own_words_are_escaped_in_the_html(self):
        template = LetterTemplate(
            policy_key="aspiration",
            letter_key="stage_1",
            subject="Hi",
            body="<i>Dear</i> {{ learner_first_name }}\n\nNext paragraph",
        )
        context = SAMPLE_CONTEXT | {"learner_first_name": "<script>x</script>"}
        rendered = letter_render(template=template, context=context)
        assert "<script>" not in rendered.body_html and "<i>" not in rendered.body_html
        assert "&lt;script&gt;" in rendered.body_html
        assert rendered.body_html.count("<p>") == 2
        assert rendered.body_text.startswith("<i>Dear</i> <script>x</script>")


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client, db):
        client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
        return client

    def _post(self, client, template, **changes):
        data = {
            "policy_key": template.policy_key,
            "letter_key": template.letter_key,
            "name": template.name,
            "subject": template.subject,
            "body": template.body,
            "send_to_employer": "on",
            "active": "on",
        } | changes
        url = reverse("admin:notifications_lettertemplate_change", args=[template.pk])
        return client.post(url, data)

    @pytest.mark.parametrize(
        ("field", "bad", "message"),
        [
            ("body", "Dear {% if learner_first_name %}{{ learner_first_name }}", "compile"),
            ("body", "Dear {{ learner.tutor.email }}", "never a part of one"),
            ("body", "Dear {{ learner_frist_name }}", "not a letter variable"),
            ("subject", "Stage 1 {{ uln|nosuchfilter }}", "Invalid filter"),
            ("body", "Due {% if uln == %}x{% endif %}", "compile"),
            ("letter_key", "stage_9", "aspiration letters are"),
        ],
    )
    def test_a_broken_template_is_a_form_error_and_nothing_changes(
        self, admin_client, field, bad, message
    ):
        template = LetterTemplate.objects.get(policy_key="aspiration", letter_key="stage_1")
        before = (template.subject, template.body)
        response = self._post(admin_client, template, **{field: bad})
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert message in str(errors[field])
        template.refresh_from_db()
        assert (template.subject, template.body) == before

    def test_a_good_edit_saves_with_who_changed_it_and_lists_the_variables(self, admin_client):
        template = LetterTemplate.objects.get(policy_key="mtt", letter_key="stage_2")
        url = reverse("admin:notifications_lettertemplate_change", args=[template.pk])
        page = admin_client.get(url).content.decode()
        assert "learner_first_name" in page and "due_rule" in page and "appeal_by" in page
        response = self._post(
            admin_client, template, body=template.body + "\nP.S. {{ due_rule }}", active=""
        )
        assert response.status_code == 302
        template.refresh_from_db()
        assert template.body.endswith("P.S. {{ due_rule }}") and not template.active
        assert template.updated_by.username == "root"


def test_the_pdf_is_an_a4_letter_with_the_provider_date_and_page_numbers(tmp_path):
    template = LetterTemplate.objects.get(policy_key="aspiration", letter_key="stage_3")
    rendered = letter_render(template=template, context=SAMPLE_CONTEXT)
    pdf = letter_pdf(
        rendered,
        letterhead=Letterhead(
            provider_name="Aspiration Training",
            date=dt.date(2026, 11, 23),
            recipients=("To: Sam Sample", "Copy: Example Employer Ltd"),
        ),
    )
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Aspiration Training" in text and "23 November 2026" in text
    assert "Notification of Withdrawal" in text and "Dear Sam," in text
    assert "Page 1 of 1" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    out = ARTIFACTS / "letters"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(out / "aspiration-stage-3"),
        ],
        check=True,
    )
    assert (out / "aspiration-stage-3.png").stat().st_size > 10_000

"""Every input-taking URL of the app, as data: a row names the URL, who sends it, the URL's
arguments and a valid submission (each hostile value replaces one field of it).

The fields are not listed here: they are read from the forms the valid submission binds
(tests/hostile/discovery.py), each field's kind from its class. Only what a view reads outside a
form (a page number, a sort, a "next") is declared, in ``params`` with its kind; a view that
reads one not declared fails the tests, and so does a form that the URL tree reaches but no row
binds. Uploads are tried separately (test_hostile_uploads.py) on the rows' ``files`` field. URL
names that take no input beyond their path are listed in NO_INPUT with the reason;
test_hostile_coverage.py fails for a URL name in neither."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from demo.factories import CourseFactory, EmployerFactory, valid_uln
from riskcases.models import Intervention, RiskFactor, RiskFactorKind
from tests.escalation.withdrawal_steps import reason as ilr_reason
from tests.hostile.payloads import PDF
from tests.hostile.world import World
from withdrawals.models import ExitTheme

TODAY = "2026-11-23"
TOKEN = "6f1c1e52-4e0a-4d55-9b8e-0f6b7a1d2c3e"


def _during_factor(w: World) -> int:
    return RiskFactor.objects.filter(active=True, kind=RiskFactorKind.DURING).first().pk


@dataclass(frozen=True)
class Endpoint:
    name: str
    user: str  # a World attribute, or "" for an anonymous visitor
    # What the view reads outside a form: parameter -> kind (payloads.KIND_PAYLOADS).
    params: dict[str, str] = field(default_factory=dict)
    valid: Callable[[World], dict] = lambda w: {}
    kwargs: Callable[[World], dict] = lambda w: {}
    method: str = "post"
    htmx: bool = False
    files: dict[str, Callable[[], tuple[str, bytes]]] = field(default_factory=dict)
    # The page that shows what an accepted submission stored (re-read for echoes).
    show: Callable[[World], str] | None = None
    label: str = ""
    ok_status: int = 302  # what an accepted submission answers (a download: 200)
    accepts: bool = True  # False: even the valid submission is refused (a wrong password)

    @property
    def id(self) -> str:
        return self.label or self.name

    def url(self, w: World) -> str:
        return reverse(self.name, kwargs=self.kwargs(w))


def _learner(w: World) -> dict:
    return {"pk": w.learner.pk}


def _learner_page(w: World) -> str:
    return reverse("learner_detail", args=[w.learner.pk])


def _record(kind: str, valid: dict) -> Endpoint:
    return Endpoint(
        "record_create",
        "tutor",
        valid=lambda w: {"occurred_on": "2026-11-20", **valid},
        kwargs=lambda w: {"pk": w.learner.pk, "kind": kind},
        show=_learner_page,
        label=f"record_create[{kind}]",
    )


def _case_move(move: str, case: str = "case", user: str = "tutor") -> Endpoint:
    """``case``: the World's case on which ``move`` is allowed; ``user``: who may make it."""
    return Endpoint(
        "case_move",
        user,
        valid=lambda w: {
            "reason": "Checked",
            "due_on": "",
            "expected_stage": getattr(w, case).stage,
        },
        kwargs=lambda w: {"pk": getattr(w, case).pk, "move": move},
        show=lambda w: reverse("case_detail", args=[getattr(w, case).pk]),
        label=f"case_move[{move}]",
    )


def _withdrawn(w: World) -> dict:
    return {"pk": w.withdrawn.pk}


def _withdrawn_page(w: World) -> str:
    return reverse("withdrawal_detail", args=[w.withdrawn.pk])


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "login",
        "",
        {"next": "text"},
        valid=lambda w: {"username": "hostile.tutor", "password": "correct-horse-battery"},
    ),
    Endpoint("logout", "tutor", {"next": "text"}),
    Endpoint(
        "learner_enrol",
        "manager",
        valid=lambda w: {
            "first_name": "Nia",
            "last_name": "New",
            "uln": valid_uln(424242),
            "email": "nia@learner.example",
            "phone": "01234 567890",
            "programme_type": "apprenticeship",
            "nation": "ENG",
            "course": CourseFactory().pk,
            "employer": EmployerFactory().pk,
            "team": w.team.pk,
            "tutor": w.tutor.pk,
            "start_date": "2026-11-02",
            "planned_end_date": "2027-11-02",
            "level": "low",
            "rating_reason": "",
            "submission_token": TOKEN,
        },
        show=lambda w: reverse("learner_list"),
    ),
    Endpoint(
        "rating_change",
        "tutor",
        valid=lambda w: {
            "level": "medium",
            "reason": "Missed two sessions",
            "risk_factors": [_during_factor(w)],
            "submission_token": TOKEN,
        },
        kwargs=_learner,
        show=_learner_page,
    ),
    Endpoint(
        "support_create",
        "tutor",
        valid=lambda w: {
            "kind": "support_plan",
            "summary": "Weekly check-ins",
            "agreed_on": "2026-11-20",
            "review_on": "2026-12-20",
            "interventions": [Intervention.objects.filter(active=True).first().pk],
            "submission_token": TOKEN,
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "0",
            "actions-0-description": "Submit unit 3",
            "actions-0-owner": "learner",
            "actions-0-due_on": "2026-12-01",
        },
        kwargs=_learner,
        show=_learner_page,
    ),
    _record(
        "session",
        {"title": "Maths", "kind": "session", "attendance": "missed"},
    ),
    _record("visit", {"kind": "visit", "outcome": "held"}),
    _record("homework", {"title": "Unit 3", "outcome": "missed"}),
    _record(
        "progress",
        {"actual_percent": "40", "planned_percent": "50"},
    ),
    _record(
        "progress-event",
        {"kind": "unit_completed", "description": "Unit 2 signed off"},
    ),
    _record("absence", {"notes": "Ill"}),
    _record(
        "employment",
        {"kind": "started", "employer_name": "Acme Ltd"},
    ),
    Endpoint(
        "break_start",
        "tutor",
        valid=lambda w: {
            "started_on": "2026-11-20",
            "expected_return_on": "2027-01-04",
            "reason": "Caring",
        },
        kwargs=_learner,
        show=_learner_page,
    ),
    Endpoint(
        "withdrawal_outside_ladder",
        "tutor",
        valid=lambda w: {"route": "learner_leaving", "reason": "Took a job outside the sector"},
        kwargs=_learner,
        show=_learner_page,
    ),
    Endpoint(
        "break_return",
        "tutor",
        valid=lambda w: {"returned_on": "2026-11-20"},
        kwargs=lambda w: {"pk": w.on_break.pk},
    ),
    Endpoint(
        "break_return_date",
        "tutor",
        valid=lambda w: {"expected_return_on": "2027-02-01"},
        kwargs=lambda w: {"pk": w.on_break.pk},
    ),
    Endpoint(
        "risk_notification_decide",
        "tutor",
        valid=lambda w: {"decision": "override", "level": "medium", "reason": "Seen in person"},
        kwargs=lambda w: {"pk": w.risk_notification.pk},
        show=_learner_page,
    ),
    _case_move("advance"),
    _case_move("close", user="manager"),  # the policy's at-risk log keepers close
    _case_move("step_down", "contracted_case"),
    _case_move("re_escalate", "stepped_down_case"),
    Endpoint(
        "case_letter",
        "tutor",
        valid=lambda w: {"expected_stage": "stage_1"},
        kwargs=lambda w: {"pk": w.lettered_case.pk},
    ),
    Endpoint(
        "case_recommendation",
        "tutor",
        valid=lambda w: {
            "outcome": "Escalate to stage 4",
            "reason": "Two reviews missed",
            "expected_stage": "stage_3",
        },
        kwargs=lambda w: {"pk": w.recommending_case.pk},
        show=lambda w: reverse("case_detail", args=[w.recommending_case.pk]),
    ),
    Endpoint(
        "case_review",
        "tutor",
        valid=lambda w: {
            "held_on": timezone.localdate(w.recommending_case.stage_started_at).isoformat(),
            **{f"point_{index}": "None this time" for index in range(5)},
            "expected_stage": "stage_3",
        },
        kwargs=lambda w: {"pk": w.recommending_case.pk},
        show=lambda w: reverse("case_detail", args=[w.recommending_case.pk]),
    ),
    _case_move("stage_1_forward", "makers_case"),
    Endpoint(
        "case_task_done",
        "tutor",
        valid=lambda w: {"note": "Weekly calls and a mentor agreed"},
        kwargs=lambda w: {"pk": w.mtt_task.case_id, "task_pk": w.mtt_task.pk},
        show=lambda w: reverse("case_detail", args=[w.mtt_task.case_id]),
    ),
    Endpoint(
        "case_letter_skip",
        "tutor",
        valid=lambda w: {"reason": "Told in person", "expected_stage": "stage_1"},
        kwargs=lambda w: {"pk": w.lettered_case.pk},
        show=lambda w: reverse("case_detail", args=[w.lettered_case.pk]),
    ),
    Endpoint(
        "contact_create",
        "tutor",
        valid=lambda w: {
            "occurred_at": "2026-11-23T09:00",
            "contact_type": "phone",
            "contact_with": "learner",
            "direction": "outbound",
            "outcome": "responded",
            "notes": "Called",
            "submission_token": TOKEN,
        },
        kwargs=_learner,
        files={"attachments": lambda: ("call.pdf", PDF)},
        show=_learner_page,
    ),
    Endpoint(
        "action_toggle",
        "tutor",
        {"done": "text"},
        valid=lambda w: {"done": "1"},
        kwargs=lambda w: {"pk": w.learner.pk, "action_pk": w.action.pk},
        htmx=True,
    ),
    Endpoint(
        "import_list",
        "manager",
        valid=lambda w: {"kind": "attendance"},
        files={"file": lambda: ("a.csv", b"uln,date,session,attendance\r\n")},
    ),
    Endpoint("import_apply", "manager", kwargs=lambda w: {"pk": w.import_batch.pk}),
    Endpoint(
        "withdrawal_decide",
        "director",
        valid=lambda w: {
            "decision": "approve",
            "reason": "Every stage tried",
            "ilr_reason": ilr_reason().pk,
            "last_day_of_learning": "2026-10-30",
        },
        kwargs=lambda w: {"pk": w.pending_withdrawal.pk},
        show=lambda w: reverse("withdrawal_detail", args=[w.pending_withdrawal.pk]),
    ),
    Endpoint(
        "employer_agreement_create",
        "manager",
        valid=lambda w: {
            "agreed_by_name": "Pat Boss",
            "agreed_by_role": "Line manager",
            "agreed_on": "2026-11-20",
            "method": "email",
            "notes": "",
        },
        kwargs=lambda w: {"pk": w.pending_withdrawal.pk},
        files={"file": lambda: ("agreement.pdf", PDF)},
        show=lambda w: reverse("withdrawal_detail", args=[w.pending_withdrawal.pk]),
    ),
    Endpoint(
        "exit_review_create",
        "manager",
        valid=lambda w: {
            "reasons": "Moved away",
            "themes": [ExitTheme.objects.filter(active=True).first().pk],
            "might_have_kept": "Remote sessions",
            "learner_took_part": "on",
        },
        kwargs=_withdrawn,
        show=_withdrawn_page,
    ),
    Endpoint(
        "confirmation_create",
        "manager",
        valid=lambda w: {"sent_on": TODAY, "note": "Posted"},
        kwargs=_withdrawn,
        show=_withdrawn_page,
    ),
    Endpoint("withdrawal_confirmation_letter", "manager", kwargs=_withdrawn),
    Endpoint(
        "appeal_create",
        "manager",
        valid=lambda w: {"appellant": "learner", "received_on": TODAY, "grounds": "In hospital"},
        kwargs=_withdrawn,
        show=_withdrawn_page,
    ),
    Endpoint(
        "appeal_decide",
        "director",
        valid=lambda w: {
            "outcome": "overturn",
            "reason": "Evidence accepted",
            "reinstate_at_stage": "stage_1",
            "due_on": "",
        },
        kwargs=lambda w: {"pk": w.lodged_appeal.pk},
        show=lambda w: reverse("withdrawal_detail", args=[w.lodged_appeal.request_id]),
    ),
    Endpoint(
        "appeal_accept_late",
        "director",
        valid=lambda w: {"reason": "Was abroad"},
        kwargs=lambda w: {"pk": w.late_appeal.pk},
        show=lambda w: reverse("withdrawal_detail", args=[w.late_appeal.request_id]),
    ),
    Endpoint(
        "withdrawal_raise",
        "manager",
        valid=lambda w: {"grounds": "No response at any stage"},
        kwargs=lambda w: {"pk": w.raise_case.pk},
        show=lambda w: reverse("case_detail", args=[w.raise_case.pk]),
    ),
    Endpoint(
        "notification_read",
        "tutor",
        {"next": "text"},
        valid=lambda w: {"next": "/notifications/"},
        kwargs=lambda w: {"pk": w.notification.pk},
    ),
    Endpoint(
        "notification_read",
        "tutor",
        kwargs=lambda w: {"pk": w.notification.pk},
        htmx=True,
        label="notification_read[htmx]",
    ),
    Endpoint(
        "notification_read_all",
        "tutor",
    ),
    Endpoint(
        "notification_preferences",
        "tutor",
        valid=lambda w: {"email_mode": "digest"},
    ),
    Endpoint(
        "leaver_generate",
        "leaver_panel",
        {"cycle_start": "date"},
        valid=lambda w: {"cycle_start": "2026-10-26"},  # a cycle start (anchor 2025-08-04)
    ),
    Endpoint("evidence_pack", "tutor", kwargs=_learner, ok_status=200),
    Endpoint(
        "subject_access",
        "safeguarding",
        valid=lambda w: {"withheld_reason": "Disclosure would identify another person"},
        kwargs=_learner,
        ok_status=200,
        show=lambda w: reverse("subject_access", args=[w.learner.pk]),
    ),
    # --- GET forms (filters and pages in the query string) -------------------------------------
    Endpoint(
        "audit_list",
        "director",
        {"page": "number"},
        valid=lambda w: {"kind": ""},  # the filter form as sent with nothing chosen
        method="get",
    ),
    Endpoint(
        "learner_list",
        "tutor",
        {"sort": "choice", "page": "number"},
        method="get",
    ),
    Endpoint(
        "learner_detail",
        "tutor",
        {"show": "multi"},
        kwargs=_learner,
        method="get",
        htmx=True,
    ),
    *[
        Endpoint(
            name,
            "manager",
            params,
            kwargs=kwargs,
            method="get",
            label=label,
        )
        for name, params, kwargs, label in (
            ("register", {"sort": "choice", "page": "number"}, lambda w: {}, ""),
            (
                "register_export",
                {"sort": "choice"},
                lambda w: {"fmt": "csv"},
                "register_export[csv]",
            ),
            (
                "register_export",
                {"sort": "choice"},
                lambda w: {"fmt": "xlsx"},
                "register_export[xlsx]",
            ),
        )
    ],
    Endpoint(
        "register_overdue",
        "manager",
        {"page": "number"},
        method="get",
    ),
    Endpoint("case_list", "tutor", {"page": "number"}, method="get"),
    Endpoint("notification_list", "tutor", {"show": "choice", "page": "number"}, method="get"),
    Endpoint("leaver_archive", "leaver_panel", {"page": "number"}, method="get"),
    Endpoint(
        "import_detail",
        "manager",
        {"page": "number"},
        kwargs=lambda w: {"pk": w.import_batch.pk},
        method="get",
    ),
    Endpoint("import_list", "manager", {"kind": "choice"}, method="get", label="import_list[get]"),
    Endpoint(
        "support_create",
        "tutor",
        {"kind": "choice"},
        kwargs=_learner,
        method="get",
        label="support_create[get]",
    ),
]

ENDPOINTS += [
    Endpoint(
        "policy_version_publish",
        "second_director",
        valid=lambda w: {"effective_from": "2026-11-30", "reason": "Annual review"},
        kwargs=lambda w: {"pk": w.draft.pk},
        show=lambda w: reverse("policy_version", args=[w.draft.pk]),
    ),
    Endpoint(
        "policy_version_retire",
        "director",
        valid=lambda w: {"reason": "Replaced"},
        kwargs=lambda w: {"pk": w.retirable.pk},
        show=lambda w: reverse("policy_version", args=[w.retirable.pk]),
    ),
    Endpoint(
        "policy_version_move_cases",
        "manager",
        valid=lambda w: {
            "cases": [w.case.pk],
            "reason": "The new version applies",
            "stage_first_risk": "first_risk",
        },
        kwargs=lambda w: {"pk": w.newer_version.pk},
        show=lambda w: reverse("case_detail", args=[w.case.pk]),
    ),
]

# URL names that take nothing but their path (ids the resolver already checks are numbers).
NO_INPUT = {
    "home": "redirects to the caseload",
    "policy": "a static list of the policies, their teams and versions",
    "policy_version": "a static page generated from a policy version (its id is the only input)",
    "break_list": "a list with no filters",
    "case_detail": "a page; its forms post to case_move, case_recommendation, case_letter_skip,"
    " case_task_done, case_review",
    "case_recommendation_email": "a button with no fields (the recommendation is in its path)",
    "withdrawal_queue": "a list with no filters",
    "withdrawal_detail": "a page; its forms post to the withdrawal rows above",
    "team_workload": "a table with no filters",
    "leaver_cycles": "a list; its form posts to leaver_generate",
    "leaver_report_detail": "a page",
    "leaver_report_status": "an htmx fragment with no parameters",
    "leaver_report_download": "a download (its headers: test_hostile_uploads.py)",
    "attachment_download": "a download (test_hostile_uploads.py)",
    "employer_agreement_download": "a download (test_hostile_uploads.py)",
    "notification_open": "follows a stored link, checked on the site",
}

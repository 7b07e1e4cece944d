"""The learner pages (/ and /learners/...): home, the caseload, the learner page, enrolment, the
rating, support plans, contacts, agreed actions and attachment downloads.

Each view fetches the learner through the access helper, reads through selectors and writes
through one action (escalation/learner_actions.py for what may open or step down a case)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import Operation
from audit.services import access_record, confidential_views_record
from escalation.break_selectors import learner_break_state
from escalation.learner_actions import learner_enrol, learner_rate, support_agree
from escalation.selectors import (
    TIMELINE_KINDS_ADDED,
    caseload_with_cases,
    learner_case_timeline,
    learner_risk_notifications,
    today_local,
)
from escalation.services import case_active, case_policy
from escalation.sweeps.inactivity import inactivity_evaluate
from escalation.withdrawal_routes import withdrawal_routes_for
from learners.access import learner_get_for_user, role_required
from learners.filters import LearnerListFilter
from learners.models import Learner
from learners.policy_reading import learner_policy
from learners.record_forms import ACTIVITY_RECORD_FORMS
from learners.roles import SUBJECT_ACCESS_ROLES, WRITERS, Role, has_role, roles_of
from learners.selectors import (
    enrolment_teams,
    learner_list_title,
    learner_recent_records,
    team_tutors,
)
from learners.services import LearnerClosedError
from policies.spec import RISK_LEVELS
from riskcases.attachments import download_response
from riskcases.forms import (
    AgreedActionFormSet,
    ContactForm,
    EnrolForm,
    RatingChangeForm,
    SupportRecordForm,
)
from riskcases.models import AgreedAction, ContactAttachment, ContactLogEntry
from riskcases.rating_actions import rating_checklist
from riskcases.selectors import (
    CASELOAD_SORTS,
    TIMELINE_KINDS,
    can_read_confidential,
    caseload_sorted,
    learner_needs_support_prompt,
    learner_open_actions,
    learner_risk_factors,
    learner_timeline,
)
from riskcases.services import (
    agreed_action_set_done,
    contact_log,
    rating_current,
)
from web.pages import apply_form_errors, can_write, closed_redirect, learner_is_open
from withdrawals.selectors import learner_withdrawal_latest, learner_withdrawal_timeline

LEARNERS_PER_PAGE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("learner_list")


@login_required
def learner_list(request: HttpRequest) -> HttpResponse:
    # Always bound: every field is optional, so an empty query is a valid "default view".
    filterset = LearnerListFilter(request.GET, queryset=caseload_with_cases(user=request.user))
    sort = request.GET.get("sort", "name")
    if sort not in CASELOAD_SORTS:
        sort = "name"
    page = Paginator(caseload_sorted(filterset.qs, sort), LEARNERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "web/learners/learner_list.html",
        {
            "title": learner_list_title(user=request.user),
            "filter": filterset,
            "page": page,
            "sort": sort,
            "query_without_page": query.urlencode(),
            "query_without_sort": sort_query.urlencode(),
            "can_enrol": request.user.is_superuser or Role.MANAGER in roles_of(request.user),
            "today": today_local(),
        },
    )


def _learner_page_context(request: HttpRequest, learner: Learner) -> dict:
    """The learner page's header, panels and timeline. The timeline's "Show" filter picks among
    the record's own kinds (riskcases) and the case's and breaks' (escalation)."""
    all_kinds = {**TIMELINE_KINDS, **TIMELINE_KINDS_ADDED}
    kinds = set(request.GET.getlist("show")) & set(all_kinds) or set(all_kinds)
    rating = rating_current(learner=learner)
    timeline = learner_timeline(
        learner=learner, user=request.user, kinds=kinds & set(TIMELINE_KINDS) or {"none"}
    )
    timeline = sorted(
        timeline
        + learner_case_timeline(learner=learner, kinds=kinds)
        + learner_withdrawal_timeline(learner=learner, kinds=kinds),
        key=lambda item: (item.at, item.obj.pk),
        reverse=True,
    )
    # Reading a safeguarding disclosure is an access event (issue 10): one per entry shown.
    confidential_views_record(
        user=request.user,
        entries=[
            item.obj
            for item in timeline
            if isinstance(item.obj, ContactLogEntry) and item.obj.confidential and not item.hidden
        ],
        detail="Confidential contact-log entry shown on the learner page",
    )
    return {
        "learner": learner,
        "rating": rating,
        "timeline": timeline,
        "timeline_kinds": all_kinds,
        "shown_kinds": kinds,
        "open_actions": learner_open_actions(learner=learner),
        "risk_factors": learner_risk_factors(learner=learner, user=request.user),
        "support_prompt": learner_needs_support_prompt(learner=learner, rating=rating),
        "rating_checks": rating_checklist(learner=learner, rating=rating)[1],
        "can_write": can_write(request),
        "is_open": learner_is_open(learner),
        "today": timezone.localdate(),
        "break_state": learner_break_state(learner=learner),
    }


@login_required
def learner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    context = _learner_page_context(request, learner)
    policy = learner_policy(learner=learner)
    if request.htmx and request.htmx.target == "timeline":
        return render(request, "web/learners/_timeline.html", context)
    case = case_active(learner=learner)
    if case is not None:
        context |= {
            "case": case,
            "case_stage": case_policy(case).stage(case.stage),
            "case_policy": case_policy(case),
        }
    context |= {
        "risk_notifications": learner_risk_notifications(learner=learner),
        "records": learner_recent_records(learner=learner),
        "withdrawal": learner_withdrawal_latest(learner=learner),
        "withdrawal_routes": withdrawal_routes_for(learner=learner, user=request.user)
        if can_write(request)
        else [],
        "record_kinds": ACTIVITY_RECORD_FORMS,
        "risk_levels": [(level, policy.label(level)) for level in RISK_LEVELS],
        "policy": policy,
        "can_subject_access": has_role(request.user, *SUBJECT_ACCESS_ROLES),
    }
    return render(request, "web/learners/learner_detail.html", context)


@login_required
@role_required(Role.MANAGER)
def learner_enrol_view(request: HttpRequest) -> HttpResponse:
    teams = enrolment_teams(user=request.user)
    tutors = team_tutors(teams)
    form = EnrolForm(request.POST or None, user=request.user, teams=teams, tutors=tutors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            learner = learner_enrol(
                data={f: data[f] for f in EnrolForm.Meta.fields},
                by=request.user,
                level=data["level"],
                reason=data["rating_reason"],
                start_factors=list(data["start_factors"]),
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, f"{learner.full_name} enrolled.")
            return redirect("learner_detail", pk=learner.pk)
    return render(request, "web/learners/enrol_form.html", {"form": form})


@login_required
@role_required(*WRITERS)
def rating_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if closed := closed_redirect(request, learner):
        return closed
    form = RatingChangeForm(request.POST or None, policy=learner_policy(learner=learner))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rating = learner_rate(
                learner=learner,
                level=data["level"],
                reason=data["reason"],
                by=request.user,
                risk_factors=data["risk_factors"],
                submission_token=data["submission_token"],
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(
                request, f"Rating changed to {learner_policy(learner=learner).label(rating.level)}."
            )
            return redirect("learner_detail", pk=learner.pk)
    return render(
        request,
        "web/learners/rating_form.html",
        {"learner": learner, "form": form, "current": rating_current(learner=learner)},
    )


@login_required
@role_required(*WRITERS)
def support_create(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if closed := closed_redirect(request, learner):
        return closed
    form = SupportRecordForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    actions = AgreedActionFormSet(request.POST or None, prefix="actions")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        data = form.cleaned_data
        try:
            agreed = support_agree(
                learner=learner,
                by=request.user,
                kind=data["kind"],
                summary=data["summary"],
                agreed_on=data["agreed_on"],
                review_on=data["review_on"],
                shared_with_employer=data["shared_with_employer"],
                interventions=data["interventions"],
                actions=[a.cleaned_data for a in actions if a.is_filled],
                submission_token=data["submission_token"],
            )
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, f"{agreed.record.get_kind_display()} saved.")
            if agreed.stepped_down is not None:
                messages.info(request, "The escalation case has stepped down.")
            return redirect("learner_detail", pk=learner.pk)
    return render(
        request,
        "web/learners/support_form.html",
        {"learner": learner, "form": form, "actions": actions},
    )


@login_required
@role_required(*WRITERS)
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if closed := closed_redirect(request, learner):
        return closed
    form = ContactForm(request.POST or None, request.FILES or None, learner=learner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # A reply from the learner is activity: it stops an inactivity ladder at once.
            with transaction.atomic():
                contact_log(
                    learner=learner,
                    author=request.user,
                    occurred_at=data["occurred_at"],
                    contact_type=data["contact_type"],
                    contact_with=data["contact_with"],
                    direction=data["direction"],
                    outcome=data["outcome"],
                    welfare_check=data["welfare_check"],
                    notes=data["notes"],
                    confidential=data["confidential"],
                    risk_factors=data["risk_factors"],
                    attachments=data["attachments"],
                    submission_token=data["submission_token"],
                )
                inactivity_evaluate(today=today_local(), learner_ids=[learner.pk])
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, "Contact logged.")
            return redirect("learner_detail", pk=learner.pk)
    return render(request, "web/learners/contact_form.html", {"learner": learner, "form": form})


@login_required
@role_required(*WRITERS)
@require_POST
def action_toggle(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    action = get_object_or_404(AgreedAction, pk=action_pk, support_record__learner=learner)
    try:
        action = agreed_action_set_done(
            action=action, done=request.POST.get("done") == "1", by=request.user
        )
    except LearnerClosedError as exc:
        messages.error(request, exc.messages[0])
    if request.htmx:
        context = {
            "learner": learner,
            "action": action,
            "can_write": True,
            "is_open": True,
            "today": timezone.localdate(),
        }
        return render(request, "web/learners/_action_row.html", context)
    return redirect("learner_detail", pk=learner.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(
        ContactAttachment.objects.select_related("entry"), pk=attachment_pk, entry__learner=learner
    )
    if attachment.entry.confidential and not can_read_confidential(request.user):
        raise Http404("No such attachment.")
    confidential = " of a confidential entry" if attachment.entry.confidential else ""
    access_record(
        user=request.user,
        operation=Operation.DOWNLOAD,
        obj=attachment,
        learner_id=learner.pk,
        detail=f"Attachment{confidential}: {attachment.original_name}",
    )
    return download_response(
        file=attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )

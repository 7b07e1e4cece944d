from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from learners.access import learner_get_for_user, role_required
from learners.filters import LearnerListFilter
from learners.models import Team
from learners.policies import active_preset
from learners.roles import Role, roles_of
from learners.selectors import learner_list_title
from learners.services import LearnerClosedError, learner_enrol, learner_ensure_open
from riskcases.forms import (
    AgreedActionFormSet,
    ContactForm,
    EnrolForm,
    RatingChangeForm,
    SupportRecordForm,
)
from riskcases.models import AgreedAction, ContactAttachment
from riskcases.selectors import (
    CASELOAD_SORTS,
    TIMELINE_KINDS,
    can_read_confidential,
    caseload_for,
    caseload_sorted,
    learner_needs_support_prompt,
    learner_open_actions,
    learner_risk_factors,
    learner_timeline,
)
from riskcases.services import (
    agreed_action_set_done,
    contact_log,
    rating_change,
    rating_current,
    rating_enrol,
    support_record_create,
)

LEARNERS_PER_PAGE = 50
# Who may write to a learner's record. Quality / IQA and the leaver panel read only.
WRITERS = (Role.TUTOR, Role.MANAGER, Role.SAFEGUARDING)


def _apply_form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def learner_list(request: HttpRequest) -> HttpResponse:
    # Always bound: every field is optional, so an empty query is a valid "default view".
    filterset = LearnerListFilter(request.GET, queryset=caseload_for(user=request.user))
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
        "riskcases/learner_list.html",
        {
            "title": learner_list_title(user=request.user),
            "filter": filterset,
            "page": page,
            "sort": sort,
            "query_without_page": query.urlencode(),
            "query_without_sort": sort_query.urlencode(),
            "can_enrol": request.user.is_superuser or Role.MANAGER in roles_of(request.user),
        },
    )


def _learner_page_context(request: HttpRequest, learner, **extra) -> dict:
    kinds = set(request.GET.getlist("show")) & set(TIMELINE_KINDS) or set(TIMELINE_KINDS)
    rating = rating_current(learner=learner)
    return {
        "learner": learner,
        "rating": rating,
        "timeline": learner_timeline(learner=learner, user=request.user, kinds=kinds),
        "timeline_kinds": TIMELINE_KINDS,
        "shown_kinds": kinds,
        "open_actions": learner_open_actions(learner=learner),
        "risk_factors": learner_risk_factors(learner=learner, user=request.user),
        "support_prompt": learner_needs_support_prompt(learner=learner, rating=rating),
        "can_write": request.user.is_superuser or bool(roles_of(request.user) & set(WRITERS)),
        "is_open": _is_open(learner),
        "today": timezone.localdate(),
        **extra,
    }


def _is_open(learner) -> bool:
    try:
        learner_ensure_open(learner=learner)
    except LearnerClosedError:
        return False
    return True


@login_required
def learner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    context = _learner_page_context(request, learner)
    if request.htmx and request.htmx.target == "timeline":
        return render(request, "riskcases/_timeline.html", context)
    return render(request, "riskcases/learner_detail.html", context)


def _closed_redirect(request: HttpRequest, learner) -> HttpResponse | None:
    try:
        learner_ensure_open(learner=learner)
    except LearnerClosedError as exc:
        messages.error(request, exc.messages[0])
        return redirect("learner_detail", pk=learner.pk)
    return None


@login_required
@role_required(*WRITERS)
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if closed := _closed_redirect(request, learner):
        return closed
    form = ContactForm(request.POST or None, request.FILES or None, learner=learner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
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
        except ValidationError as exc:
            _apply_form_errors(form, exc)
        else:
            messages.success(request, "Contact logged.")
            return redirect("learner_detail", pk=learner.pk)
    return render(request, "riskcases/contact_form.html", {"learner": learner, "form": form})


@login_required
@role_required(*WRITERS)
def rating_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if closed := _closed_redirect(request, learner):
        return closed
    current = rating_current(learner=learner)
    form = RatingChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rating = rating_change(
                learner=learner,
                level=data["level"],
                reason=data["reason"],
                set_by=request.user,
                risk_factors=data["risk_factors"],
                submission_token=data["submission_token"],
            )
        except ValidationError as exc:
            _apply_form_errors(form, exc)
        else:
            messages.success(request, f"Rating changed to {active_preset().label(rating.level)}.")
            return redirect("learner_detail", pk=learner.pk)
    return render(
        request,
        "riskcases/rating_form.html",
        {"learner": learner, "form": form, "current": current},
    )


@login_required
@role_required(*WRITERS)
def support_create(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    if closed := _closed_redirect(request, learner):
        return closed
    form = SupportRecordForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    actions = AgreedActionFormSet(request.POST or None, prefix="actions")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        data = form.cleaned_data
        try:
            support_record_create(
                learner=learner,
                created_by=request.user,
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
            _apply_form_errors(form, exc)
        else:
            messages.success(request, f"{dict(form.fields['kind'].choices)[data['kind']]} saved.")
            return redirect("learner_detail", pk=learner.pk)
    return render(
        request,
        "riskcases/support_form.html",
        {"learner": learner, "form": form, "actions": actions},
    )


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
        return render(
            request,
            "riskcases/_action_row.html",
            {
                "learner": learner,
                "action": action,
                "can_write": True,
                "is_open": True,
                "today": timezone.localdate(),
            },
        )
    return redirect("learner_detail", pk=learner.pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(
        ContactAttachment.objects.select_related("entry"), pk=attachment_pk, entry__learner=learner
    )
    if attachment.entry.confidential and not can_read_confidential(request.user):
        raise Http404("No such attachment.")
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@role_required(Role.MANAGER)
def learner_enrol_view(request: HttpRequest) -> HttpResponse:
    teams = (
        Team.objects.all()
        if request.user.is_superuser
        else Team.objects.filter(managers=request.user)
    )
    tutors = (
        get_user_model()
        .objects.filter(groups__name=Role.TUTOR, is_active=True)
        .order_by("last_name", "first_name")
    )
    form = EnrolForm(request.POST or None, user=request.user, teams=teams, tutors=tutors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                learner = learner_enrol(data={f: data[f] for f in EnrolForm.Meta.fields})
                rating_enrol(
                    learner=learner,
                    set_by=request.user,
                    level=data["level"],
                    reason=data["rating_reason"],
                    start_factors=list(data["start_factors"]),
                )
        except ValidationError as exc:
            _apply_form_errors(form, exc)
        else:
            messages.success(request, f"{learner.full_name} enrolled.")
            return redirect("learner_detail", pk=learner.pk)
    return render(request, "riskcases/enrol_form.html", {"form": form})

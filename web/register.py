"""The at-risk register's pages (/register/...): the register, its exports, the overdue page and
the team workload view. For managers and organisation-wide roles; a tutor goes to the caseload."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from audit.models import Operation
from audit.services import access_record
from learners.policy_reading import organisation_policy
from learners.roles import ORGANISATION_WIDE_ROLES, Role, roles_of
from policies.selectors import version_specs
from policies.spec import RISK_LEVELS, PolicySpec
from reports.exports import (
    EXPORT_CONTENT_TYPES,
    csv_stream,
    export_filename,
    heading_for,
    pdf_bytes,
    register_export_record,
    xlsx_bytes,
)
from reports.filters import OverdueFilter, RegisterFilter
from reports.models import ExportFormat
from reports.register import (
    NO_CASE,
    STEPPED_DOWN,
    RegisterCounts,
    at_risk_levels,
    overdue_for,
    register_counts,
    register_for,
    register_ordering,
    register_page,
    register_sort_key,
)
from reports.workload import team_workload as team_workload_for

ROWS_PER_PAGE = 50
# The columns the register page prints: the rows query selects only these (and the annotated
# rating and case columns), so PostgreSQL sorts narrow rows in memory. Exports read them all.
PAGE_COLUMNS = (
    "first_name",
    "last_name",
    "status",
    "programme_type",
    "nation",
    "start_date",
    "tutor__first_name",
    "tutor__last_name",
    "tutor__username",
    "team__name",
)
REGISTER_ROLES = frozenset({Role.MANAGER}) | ORGANISATION_WIDE_ROLES


def register_reader(view):
    """Managers and organisation-wide roles read the register; a tutor has a caseload instead
    and is sent there."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (request.user.is_superuser or roles_of(request.user) & REGISTER_ROLES):
            messages.info(request, "The at-risk register is for managers: here is your caseload.")
            return redirect("learner_list")
        return view(request, *args, **kwargs)

    return wrapped


def without_empty_filters(request: HttpRequest) -> HttpResponse | None:
    """A redirect to the same page without the form's empty fields, so the URL a user bookmarks
    or shares names only the filters in force; None when it is already clean."""
    query = request.GET.copy()
    for key in list(query):
        values = [value for value in query.getlist(key) if value != ""]
        if values:
            query.setlist(key, values)
        else:
            del query[key]
    if len(query.urlencode()) == len(request.GET.urlencode()):
        return None
    return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)


def _query_with(query: QueryDict, **changes: str | list[str]) -> str:
    changed = query.copy()
    for key in ("page", *changes):
        changed.pop(key, None)
    for key, value in changes.items():
        changed.setlist(key, value if isinstance(value, list) else [value])
    return changed.urlencode()


def _stage_label(version: PolicySpec | None, stage_key: str) -> str:
    """The stage's name in its version (the key itself if the version lacks it)."""
    try:
        return version.stage(stage_key).name if version else stage_key
    except KeyError:
        return stage_key


def _count_links(counts: RegisterCounts, query: QueryDict) -> dict[str, list[dict]]:
    # Counts span every team: ratings in the organisation's words, each stage in its version's.
    policy = organisation_policy()
    ratings = [
        {
            "label": policy.label(level),
            "level": level,
            "count": n,
            "query": _query_with(query, rating=level),
        }
        for level, n in reversed(counts.by_rating.items())
    ]
    names = {STEPPED_DOWN: "Stepped down", NO_CASE: "No open case"}
    versions = version_specs(version_id for _, version_id, _, _ in counts.by_stage if version_id)
    stages = [
        {
            "label": names.get(value) or _stage_label(versions.get(version_id), stage),
            "count": n,
            "query": _query_with(query, stage=value),
        }
        for value, version_id, stage, n in counts.by_stage
    ]
    return {"ratings": ratings, "stages": stages}


# A page number beyond any register (a typed or hostile ?page=) would overflow the SQL OFFSET;
# anything past the end shows the last page anyway.
MAX_PAGE = 1_000_000


def _page_number(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def _register_view_state(request: HttpRequest) -> dict:
    today = timezone.localdate()
    filterset = RegisterFilter(
        request.GET,
        queryset=register_for(user=request.user, today=today),
        user=request.user,
        today=today,
    )
    sort = register_sort_key(request.GET.get("sort"))
    return {
        "today": today,
        "filter": filterset,
        "sort": sort,
        "ordering": register_ordering(sort),
        "filters_described": filterset.described(),
    }


@login_required
@register_reader
def register(request: HttpRequest) -> HttpResponse:
    if cleaned := without_empty_filters(request):
        return cleaned
    state = _register_view_state(request)
    learners = state["filter"].qs
    number = _page_number(request.GET.get("page"))
    found = register_page(
        learners,
        ordering=state["ordering"],
        offset=(number - 1) * ROWS_PER_PAGE,
        limit=ROWS_PER_PAGE,
    )
    paginator = Paginator(range(found.counts.total), ROWS_PER_PAGE)
    if number > paginator.num_pages:  # past the end: the last page, as get_page does
        number = paginator.num_pages
        offset = (number - 1) * ROWS_PER_PAGE
        found = register_page(
            learners, ordering=state["ordering"], offset=offset, limit=ROWS_PER_PAGE
        )
    page = paginator.get_page(number)
    # The page's rows in full (names, tutor, team, what is overdue): only these ~50 by id.
    shown = learners.filter(pk__in=found.pks).select_related(None).select_related("tutor", "team")
    by_pk = {learner.pk: learner for learner in shown.only(*PAGE_COLUMNS)}
    page.object_list = [by_pk[pk] for pk in found.pks if pk in by_pk]
    state["counts"] = found.counts
    at_risk = at_risk_levels()
    policy = organisation_policy()
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "web/register/register.html",
        {
            **state,
            "title": "At-risk register",
            "at_risk_labels": [policy.label(level) for level in RISK_LEVELS if level in at_risk],
            "page": page,
            "count_links": _count_links(state["counts"], query),
            "query_without_page": query.urlencode(),
            "query_without_sort": sort_query.urlencode(),
            "export_formats": ExportFormat.choices,
            "pdf_max_rows": settings.REGISTER_PDF_MAX_ROWS,
        },
    )


@login_required
@register_reader
def register_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ExportFormat.values:
        raise Http404("No such export format.")
    state = _register_view_state(request)
    state["counts"] = register_counts(state["filter"].qs)
    state["rows"] = state["filter"].qs.order_by(*state["ordering"])
    total = state["counts"].total
    if fmt == ExportFormat.PDF and total > settings.REGISTER_PDF_MAX_ROWS:
        messages.error(
            request,
            f"The printable PDF holds up to {settings.REGISTER_PDF_MAX_ROWS:,} rows and this view "
            f"has {total:,}. Narrow the filters, or export CSV or Excel, which hold every row.",
        )
        return redirect(f"{reverse('register')}?{request.GET.urlencode()}")
    export = register_export_record(
        user=request.user,
        export_format=fmt,
        query=request.GET.urlencode(),
        filters=state["filters_described"],
        row_count=total,
    )
    access_record(
        user=request.user,
        operation=Operation.DOWNLOAD,
        obj=export,
        detail=f"At-risk register export: {export_filename(export)}",
    )
    heading = heading_for(export, state["filters_described"])
    rows, today = state["rows"], state["today"]
    if fmt == ExportFormat.CSV:
        response = StreamingHttpResponse(
            csv_stream(rows, heading=heading, today=today),
            content_type=EXPORT_CONTENT_TYPES[fmt],
        )
    elif fmt == ExportFormat.XLSX:
        response = HttpResponse(
            xlsx_bytes(rows, heading=heading, today=today), content_type=EXPORT_CONTENT_TYPES[fmt]
        )
    else:
        counts = _count_links(state["counts"], QueryDict())
        response = HttpResponse(
            pdf_bytes(rows, heading=heading, today=today, counts=counts),
            content_type=EXPORT_CONTENT_TYPES[fmt],
        )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(export)}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@register_reader
def overdue(request: HttpRequest) -> HttpResponse:
    if cleaned := without_empty_filters(request):
        return cleaned
    today = timezone.localdate()
    filterset = OverdueFilter(
        request.GET,
        queryset=overdue_for(user=request.user, today=today),
        user=request.user,
        today=today,
    )
    # Longest overdue first: the oldest missed stage deadline or action due date leads.
    rows = filterset.qs.order_by("overdue_since", "last_name", "first_name", "pk")
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/register/overdue.html",
        {
            "title": "Overdue",
            "filter": filterset,
            "page": page,
            "today": today,
            "query_without_page": query.urlencode(),
        },
    )


@login_required
@register_reader
def team_workload(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "web/register/workload.html",
        {"title": "Team workload", "teams": team_workload_for(user=request.user, today=today)},
    )

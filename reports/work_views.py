"""The overdue page and the team workload view, beside the register."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from reports.filters import OverdueFilter
from reports.register import overdue_for
from reports.views import ROWS_PER_PAGE, register_reader, without_empty_filters
from reports.workload import team_workload as team_workload_for


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
        "reports/overdue.html",
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
        "reports/workload.html",
        {"title": "Team workload", "teams": team_workload_for(user=request.user, today=today)},
    )

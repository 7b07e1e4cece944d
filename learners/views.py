from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from learners.access import learner_get_for_user
from learners.filters import LearnerListFilter
from learners.selectors import learner_list_for, learner_list_title

LEARNERS_PER_PAGE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("learner_list")


@login_required
def learner_list(request: HttpRequest) -> HttpResponse:
    # Always bound: every field is optional, so an empty query is a valid "default view".
    filterset = LearnerListFilter(request.GET, queryset=learner_list_for(user=request.user))
    page = Paginator(filterset.qs, LEARNERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "learners/learner_list.html",
        {
            "title": learner_list_title(user=request.user),
            "filter": filterset,
            "page": page,
            "query_without_page": query.urlencode(),
        },
    )


@login_required
def learner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    learner = learner_get_for_user(user=request.user, pk=pk)
    return render(request, "learners/learner_detail.html", {"learner": learner})

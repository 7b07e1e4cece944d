"""The bell's page (/notifications/...): one's own notifications, newest first; open one (marks
it read) or mark them read, one or all; and one's e-mail preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications.forms import PreferenceForm
from notifications.models import EmailMode
from notifications.selectors import notifications_for, unread_count
from notifications.services import notification_mark_read, preference_get, preference_set

PER_PAGE = 30


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = notifications_for(user=request.user)
    if request.GET.get("show") == "unread":
        mine = mine.filter(read_at__isnull=True)
    page = Paginator(mine, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/notifications/list.html",
        {"page": page, "unread_only": request.GET.get("show") == "unread"},
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link; it counts as read. Only links inside this site."""
    note = get_object_or_404(notifications_for(user=request.user), pk=pk)
    notification_mark_read(user=request.user, pk=note.pk)
    safe = url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(note.url if note.url and safe else "notification_list")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(notifications_for(user=request.user), pk=pk)
    notification_mark_read(user=request.user, pk=note.pk)
    if request.htmx:
        note.refresh_from_db()
        response = render(request, "web/notifications/_item.html", {"note": note})
        response.write(
            render(
                request,
                "web/notifications/_bell.html",
                {"unread_notifications": unread_count(user=request.user), "oob": True},
            ).content
        )
        return response
    return _back_to(request, request.POST.get("next", ""))


def _back_to(request: HttpRequest, next_url: str) -> HttpResponse:
    """The page the form came from: a path on this site only (never another site, never a
    line break or control character that would corrupt the Location header)."""
    safe = (
        next_url.startswith("/")
        and next_url.isprintable()
        and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
    return HttpResponseRedirect(next_url) if safe else redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notification_mark_read(user=request.user)
    return redirect("notification_list")


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    current = preference_get(user=request.user)
    form = PreferenceForm(request.POST or None, initial={"email_mode": current.email_mode})
    if request.method == "POST" and form.is_valid():
        mode = preference_set(user=request.user, email_mode=form.cleaned_data["email_mode"])
        messages.success(request, f"Saved: {EmailMode(mode.email_mode).label.lower()}.")
        return redirect("notification_preferences")
    return render(
        request,
        "web/notifications/preferences.html",
        {"form": form, "title": "E-mail preferences", "email": request.user.email},
    )

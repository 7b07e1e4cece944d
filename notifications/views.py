from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from notifications.forms import PreferenceForm
from notifications.models import EmailMode
from notifications.services import preference_get, preference_set


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
        "notifications/preferences.html",
        {"form": form, "title": "E-mail preferences", "email": request.user.email},
    )

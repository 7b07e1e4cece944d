from django import template
from django.urls import reverse

from notifications.models import EmailDelivery, EmailStatus

register = template.Library()


@register.inclusion_tag("notifications/_failed_emails_notice.html", takes_context=True)
def failed_emails_notice(context) -> dict:
    """A line on the admin index while any e-mail has failed for good."""
    user = context["request"].user
    count = EmailDelivery.objects.filter(status=EmailStatus.FAILED).count() if user.is_staff else 0
    url = reverse("admin:notifications_emaildelivery_changelist")
    return {"count": count, "url": f"{url}?status__exact={EmailStatus.FAILED}"}

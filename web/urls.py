"""The whole URL tree. Each block below is one area of the site (one web/<area>.py module)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import LoginForm
from audit import urls as audit_urls
from dataprotection import urls as dataprotection_urls
from escalation import import_urls, withdrawal_urls
from escalation import urls as escalation_urls
from escalation import views as escalation_views
from notifications import urls as notification_urls
from reports import evidence_urls, leaver_urls
from reports import urls as report_urls
from web import breaks, learner_records, learners

# Sign-in.
account_urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

# Home, caseload, the learner page and what is recorded from it (/learners/...).
learner_urlpatterns = [
    path("", learners.home, name="home"),
    path(
        "learners/",
        include(
            [
                path("", learners.learner_list, name="learner_list"),
                path("enrol/", learners.learner_enrol_view, name="learner_enrol"),
                path("breaks/", breaks.break_list, name="break_list"),
                path("<int:pk>/", learners.learner_detail, name="learner_detail"),
                path("<int:pk>/rating/", learners.rating_change_view, name="rating_change"),
                path("<int:pk>/support/new/", learners.support_create, name="support_create"),
                path(
                    "<int:pk>/records/<slug:kind>/new/",
                    learner_records.record_create,
                    name="record_create",
                ),
                path("<int:pk>/break/start/", breaks.break_start_view, name="break_start"),
                path("<int:pk>/break/return/", breaks.break_return_view, name="break_return"),
                path(
                    "<int:pk>/break/return-date/",
                    breaks.break_return_date_view,
                    name="break_return_date",
                ),
                path(
                    "risk-notifications/<int:pk>/decide/",
                    learner_records.risk_notification_decide_view,
                    name="risk_notification_decide",
                ),
                path("<int:pk>/contacts/new/", learners.contact_create, name="contact_create"),
                path(
                    "<int:pk>/actions/<int:action_pk>/done/",
                    learners.action_toggle,
                    name="action_toggle",
                ),
                path(
                    "<int:pk>/attachments/<int:attachment_pk>/",
                    learners.attachment_download,
                    name="attachment_download",
                ),
            ]
        ),
    ),
]

# Reports about one learner, mounted under the learner (/learners/<pk>/...).
learner_report_urlpatterns = [
    path(
        "learners/",
        include(evidence_urls.urlpatterns + dataprotection_urls.urlpatterns),
    ),
]

# Cases, their letters, the policy page and CSV imports.
case_urlpatterns = [
    path("cases/", include(escalation_urls.urlpatterns)),
    path("imports/", include(import_urls.urlpatterns)),
    path("policy/", escalation_views.policy_page, name="policy"),
]

# Withdrawals and appeals.
withdrawal_urlpatterns = [
    path("withdrawals/", include(withdrawal_urls.urlpatterns)),
]

# The register, the leaver panel, notifications and the audit trail.
report_urlpatterns = [
    path("register/", include(report_urls.urlpatterns)),
    path("leaver-panel/", include(leaver_urls.urlpatterns)),
    path("notifications/", include(notification_urls.urlpatterns)),
    path("audit/", include(audit_urls.urlpatterns)),
]

urlpatterns = (
    account_urlpatterns
    + learner_urlpatterns
    + learner_report_urlpatterns
    + case_urlpatterns
    + withdrawal_urlpatterns
    + report_urlpatterns
)

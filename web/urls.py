"""The whole URL tree. Each block below is one area of the site (one web/<area>.py module)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import LoginForm
from audit import urls as audit_urls
from dataprotection import urls as dataprotection_urls
from escalation import import_urls
from escalation import urls as escalation_urls
from escalation import views as escalation_views
from learners import views as learner_views
from notifications import urls as notification_urls
from reports import evidence_urls, leaver_urls
from reports import urls as report_urls
from riskcases import urls as riskcases_urls
from web import withdrawals

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
    path("", learner_views.home, name="home"),
    path(
        "learners/",
        include(escalation_urls.learner_urlpatterns + riskcases_urls.urlpatterns),
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

# Withdrawals and appeals (web/withdrawals.py).
withdrawal_urlpatterns = [
    path(
        "withdrawals/",
        include(
            [
                path("", withdrawals.withdrawal_queue, name="withdrawal_queue"),
                path("<int:pk>/", withdrawals.withdrawal_detail, name="withdrawal_detail"),
                path("<int:pk>/decide/", withdrawals.withdrawal_decide, name="withdrawal_decide"),
                path(
                    "<int:pk>/employer-agreement/",
                    withdrawals.employer_agreement_create,
                    name="employer_agreement_create",
                ),
                path(
                    "<int:pk>/employer-agreement/file/",
                    withdrawals.employer_agreement_download,
                    name="employer_agreement_download",
                ),
                path(
                    "<int:pk>/exit-review/",
                    withdrawals.exit_review_create,
                    name="exit_review_create",
                ),
                path(
                    "<int:pk>/confirmation/",
                    withdrawals.confirmation_create,
                    name="confirmation_create",
                ),
                path(
                    "<int:pk>/confirmation/letter/",
                    withdrawals.withdrawal_confirmation_letter,
                    name="withdrawal_confirmation_letter",
                ),
                path("<int:pk>/appeals/new/", withdrawals.appeal_create, name="appeal_create"),
                path("appeals/<int:pk>/decide/", withdrawals.appeal_decide, name="appeal_decide"),
                path(
                    "appeals/<int:pk>/accept-late/",
                    withdrawals.appeal_accept_late,
                    name="appeal_accept_late",
                ),
                path("raise/<int:pk>/", withdrawals.withdrawal_raise, name="withdrawal_raise"),
            ]
        ),
    ),
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

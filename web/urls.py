"""The whole URL tree. Each block below is one area of the site (one web/<area>.py module)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import LoginForm
from audit import urls as audit_urls
from dataprotection import urls as dataprotection_urls
from escalation import urls as escalation_urls
from escalation import withdrawal_urls
from learners import views as learner_views
from notifications import urls as notification_urls
from reports import evidence_urls, leaver_urls
from reports import urls as report_urls
from riskcases import urls as riskcases_urls
from web import case_letters, cases, imports, policy

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
    path(
        "cases/",
        include(
            [
                path("", cases.case_list, name="case_list"),
                path("<int:pk>/", cases.case_detail, name="case_detail"),
                path("<int:pk>/letter/", case_letters.case_letter, name="case_letter"),
                path(
                    "<int:pk>/letter/not-sent/",
                    case_letters.case_letter_skip,
                    name="case_letter_skip",
                ),
                path("<int:pk>/<slug:move>/", cases.case_move_view, name="case_move"),
            ]
        ),
    ),
    path(
        "imports/",
        include(
            [
                path("", imports.import_list, name="import_list"),
                path("<int:pk>/", imports.import_detail, name="import_detail"),
                path("<int:pk>/apply/", imports.import_apply, name="import_apply"),
            ]
        ),
    ),
    path("policy/", policy.policy_page, name="policy"),
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

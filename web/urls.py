"""The whole URL tree. Each block below is one area of the site (one web/<area>.py module)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import LoginForm
from escalation import urls as escalation_urls
from escalation import withdrawal_urls
from learners import views as learner_views
from riskcases import urls as riskcases_urls
from web import (
    audit,
    case_letters,
    cases,
    evidence,
    imports,
    leaver_panel,
    notifications,
    policy,
    register,
    subject_access,
)

# Sign-in.
account_urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True,
            authentication_form=LoginForm,
            template_name="web/accounts/login.html",
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
        include(
            [
                path("<int:pk>/evidence-pack/", evidence.evidence_pack, name="evidence_pack"),
                path(
                    "<int:pk>/subject-access/",
                    subject_access.subject_access,
                    name="subject_access",
                ),
            ]
        ),
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
    path(
        "register/",
        include(
            [
                path("", register.register, name="register"),
                path("export/<slug:fmt>/", register.register_export, name="register_export"),
                path("overdue/", register.overdue, name="register_overdue"),
                path("workload/", register.team_workload, name="team_workload"),
            ]
        ),
    ),
    path(
        "leaver-panel/",
        include(
            [
                path("", leaver_panel.leaver_cycles, name="leaver_cycles"),
                path("archive/", leaver_panel.leaver_archive, name="leaver_archive"),
                path("generate/", leaver_panel.leaver_generate, name="leaver_generate"),
                path(
                    "reports/<int:pk>/",
                    leaver_panel.leaver_report_detail,
                    name="leaver_report_detail",
                ),
                path(
                    "reports/<int:pk>/status/",
                    leaver_panel.leaver_report_status,
                    name="leaver_report_status",
                ),
                path(
                    "reports/<int:pk>/download/",
                    leaver_panel.leaver_report_download,
                    name="leaver_report_download",
                ),
            ]
        ),
    ),
    path(
        "notifications/",
        include(
            [
                path("", notifications.notification_list, name="notification_list"),
                path(
                    "read-all/",
                    notifications.notification_read_all,
                    name="notification_read_all",
                ),
                path("<int:pk>/", notifications.notification_open, name="notification_open"),
                path("<int:pk>/read/", notifications.notification_read, name="notification_read"),
                path(
                    "preferences/",
                    notifications.notification_preferences,
                    name="notification_preferences",
                ),
            ]
        ),
    ),
    path("audit/", include([path("", audit.audit_list, name="audit_list")])),
]

urlpatterns = (
    account_urlpatterns
    + learner_urlpatterns
    + learner_report_urlpatterns
    + case_urlpatterns
    + withdrawal_urlpatterns
    + report_urlpatterns
)

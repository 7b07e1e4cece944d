"""The whole URL tree. Each block below is one area of the site (one web/<area>.py module)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import LoginForm
from web import (
    audit,
    breaks,
    case_letters,
    case_reviews,
    cases,
    evidence,
    imports,
    learner_records,
    learners,
    leaver_panel,
    notifications,
    policy,
    policy_moves,
    register,
    subject_access,
    withdrawal_outside,
    withdrawals,
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
                path(
                    "<int:pk>/withdrawal/",
                    withdrawal_outside.withdrawal_outside_ladder,
                    name="withdrawal_outside_ladder",
                ),
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
                path("<int:pk>/move/<slug:move>/", cases.case_move_view, name="case_move"),
                path(
                    "<int:pk>/recommendation/",
                    cases.case_recommendation_view,
                    name="case_recommendation",
                ),
                path(
                    "<int:pk>/recommendation/<int:rec_pk>/email/",
                    case_reviews.case_recommendation_email_view,
                    name="case_recommendation_email",
                ),
                path("<int:pk>/review/", case_reviews.case_review_view, name="case_review"),
                path(
                    "<int:pk>/tasks/<int:task_pk>/done/",
                    cases.case_task_done_view,
                    name="case_task_done",
                ),
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
    path(
        "policy/versions/",
        include(
            [
                path("<int:pk>/", policy.policy_version_page, name="policy_version"),
                path(
                    "<int:pk>/publish/",
                    policy.policy_version_publish,
                    name="policy_version_publish",
                ),
                path(
                    "<int:pk>/retire/", policy.policy_version_retire, name="policy_version_retire"
                ),
                path(
                    "<int:pk>/move-cases/",
                    policy_moves.policy_version_move_cases,
                    name="policy_version_move_cases",
                ),
            ]
        ),
    ),
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

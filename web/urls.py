from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import LoginForm
from audit import urls as audit_urls
from dataprotection import urls as dataprotection_urls
from escalation import import_urls, withdrawal_urls
from escalation import urls as escalation_urls
from escalation import views as escalation_views
from learners import views as learner_views
from notifications import urls as notification_urls
from reports import evidence_urls, leaver_urls
from reports import urls as report_urls
from riskcases import urls as riskcases_urls

urlpatterns = [
    path("", learner_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "learners/",
        include(
            escalation_urls.learner_urlpatterns
            + riskcases_urls.urlpatterns
            + evidence_urls.urlpatterns
            + dataprotection_urls.urlpatterns
        ),
    ),
    path("cases/", include(escalation_urls.urlpatterns)),
    path("imports/", include(import_urls.urlpatterns)),
    path("register/", include(report_urls.urlpatterns)),
    path("leaver-panel/", include(leaver_urls.urlpatterns)),
    path("withdrawals/", include(withdrawal_urls.urlpatterns)),
    path("notifications/", include(notification_urls.urlpatterns)),
    path("audit/", include(audit_urls.urlpatterns)),
    path("policy/", escalation_views.policy_page, name="policy"),
]

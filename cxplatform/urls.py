from django.contrib import admin
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cxplatform import views
from cxplatform.accounts import two_factor_views
from cxplatform.accounts import views as account_views
from cxplatform.accounts.local_login import LoginView
from journeys.views.share import shared_map
from metrics.connectors.endpoint import receive_delivery
from metrics.views import dashboard

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", dashboard, name="dashboard"),
    path("login/", LoginView.as_view(), name="login"),
    # Single sign-on (OpenID Connect): the start and the provider's callback (cxplatform.accounts.oidc).
    path("oidc/", include("cxplatform.accounts.oidc.urls")),
    path("logout/", account_views.LogoutView.as_view(), name="logout"),
    # The second step of a password login with two-factor authentication on (cxplatform.accounts.two_factor).
    path("login/verify/", two_factor_views.verify, name="two-factor-verify"),
    path("profile/", include("cxplatform.accounts.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("health/", views.health, name="health"),
    path("notifications/", include("cxplatform.notifications.urls")),
    path("webhooks/", include("cxplatform.webhooks.urls")),
    path("audit/", include("cxplatform.audit.urls")),
    path("journeys/", include("journeys.urls")),
    # A journey's map for whoever has a read-only share link: no login (journeys.views.share)
    path("s/<str:token>/", shared_map, name="shared-map"),
    # Survey tools deliver their answers here: no login, authenticated by each tool's signature
    # (metrics.connectors.endpoint)
    path("hooks/<str:token>/", receive_delivery, name="survey-hook"),
    path("", include("teams.urls")),
    path("", include("metrics.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cxplatform.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs are a page for people: anonymous visitors go to the login page, not a 401. The split view serves
    # Swagger UI's start-up script from this URL too (?script=), not inline: the Content Security Policy.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
]

handler404 = "cxplatform.views.handler404"
handler500 = "cxplatform.views.handler500"

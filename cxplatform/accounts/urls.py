from django.urls import path

from . import session_views, two_factor_views, views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("tokens/", views.token_create_view, name="token-create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token-revoke"),
    path("two-factor/setup/", two_factor_views.setup, name="two-factor-setup"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes, name="two-factor-recovery-codes"),
    path(
        "two-factor/recovery-codes/renew/",
        two_factor_views.recovery_codes_renew_confirm,
        name="two-factor-recovery-renew",
    ),
    path("two-factor/disable/", two_factor_views.disable, name="two-factor-disable"),
    path("sessions/<int:pk>/end/", session_views.session_end, name="session-end"),
    path("sessions/end-others/", session_views.sessions_end_others, name="sessions-end-others"),
]

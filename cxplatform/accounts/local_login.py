"""Password login (the login page, the admin site's): switched off by LOCAL_LOGIN=0 when single sign-on is the
way in, except for the break-glass usernames in LOCAL_LOGIN_USERS. API tokens are not affected (they do not log
in through a backend)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxplatform.audit import actions
from cxplatform.audit.recording import record

from .oidc import provider_name, sso_enabled
from .oidc.views import AUTH_METHOD_KEY


def password_login_allowed(username: str | None) -> bool:
    return settings.LOCAL_LOGIN or (username or "") in settings.LOCAL_LOGIN_USERS


class LocalPasswordBackend(ModelBackend):
    """Django's password backend, refusing whom LOCAL_LOGIN no longer lets in (the admin site's login too)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or not password_login_allowed(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "local_login_off": gettext_lazy("Password login is switched off."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and not password_login_allowed(username):
            # Refused before the password is tried: no failure counted towards a lockout; recorded, without the
            # username (personal data).
            record(actions.LOGIN_FAILED, detail={"method": "password", "reason": "local_login_off"})
            message = self.error_messages["local_login_off"]
            if sso_enabled():
                message = _("Password login is switched off: log in with %(provider)s.") % {"provider": provider_name()}
            raise ValidationError(message, code="local_login_off")
        return super().clean()


def login_page_context(request: HttpRequest) -> dict:
    """What the login page shows besides the form: the SSO button, and whether the password form is shown (always
    when LOCAL_LOGIN is on; with it off, behind a discreet link for the break-glass accounts)."""
    asked = request.GET.get("local") == "1" or request.POST.get("local") == "1"
    return {
        "sso_enabled": sso_enabled(),
        "sso_provider_name": provider_name() if sso_enabled() else "",
        "show_password_form": settings.LOCAL_LOGIN or not sso_enabled() or asked,
        "break_glass_link": not settings.LOCAL_LOGIN and bool(settings.LOCAL_LOGIN_USERS) and sso_enabled(),
        "local_asked": asked,
    }


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **login_page_context(self.request)}

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session[AUTH_METHOD_KEY] = "password"
        return response

"""At login (Django's user_logged_in, sent by every way in: the login page, the admin's, SSO, the test client):
the session's flags for the second factor, and its row in the list of the user's sessions (issue 16). A receiver
because the logins are Django's and the SSO library's views, not ours."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import sessions, two_factor


@receiver(user_logged_in, dispatch_uid="cx_session_started")
def session_started(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    two_factor.login_flags(request=request, user=user)
    sessions.session_started(request=request, user=user)

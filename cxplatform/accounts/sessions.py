"""A user's sessions: idle expiry, the list on the profile page, ending the others (issue 16)."""

from django.http import HttpRequest


def profile_context(request: HttpRequest) -> dict:
    """What templates/accounts/_profile_sessions.html shows on the profile page."""
    return {}

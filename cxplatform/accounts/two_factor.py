"""Two-factor authentication (TOTP, django-otp) for local accounts (issue 16)."""

from django.http import HttpRequest


def profile_context(request: HttpRequest) -> dict:
    """What templates/accounts/_profile_two_factor.html shows on the profile page."""
    return {}

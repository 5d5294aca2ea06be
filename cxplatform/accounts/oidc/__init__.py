"""Single sign-on with OpenID Connect (issue 16), on mozilla-django-oidc.

Why that library: it is small and maintained, and is exactly an authentication backend plus the login, callback
and logout views, with PKCE (OIDC_USE_PKCE), nonce and state checks; django-allauth is a whole social-account
framework (its own account pages, e-mail flows, models) that this product does not need.

What this package adds around it: the provider's endpoints discovered from OIDC_ISSUER (discovery), the account
linked by the `sub` claim and its role and teams from the groups claim (backend, mapping), a page instead of an
error when the provider cannot be reached or the answer is refused (views), the provider's logout, and an open
session checked again with the provider now and then (middleware).
"""

from django.conf import settings


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def provider_name() -> str:
    """What the login button names: OIDC_PROVIDER_NAME, or the issuer's host."""
    if settings.OIDC_PROVIDER_NAME:
        return settings.OIDC_PROVIDER_NAME
    from urllib.parse import urlsplit

    return urlsplit(settings.OIDC_ISSUER).hostname or settings.OIDC_ISSUER

from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from .models import ApiToken, User

# How long a revoked token stays listed on its owner's profile page (the admin lists every token, for good).
REVOKED_LISTED_DAYS = 30


def login_lockout_ends_at(*, username: str | None, ip_address: str | None) -> datetime:
    """When a lockout of this username or address ends: the cool-off after the last failure counted against
    either. (An upper bound when only one of the two is locked and the other failed later: the page then names
    a little more time than the lock lasts, never less.)"""
    cool_off = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    now = timezone.now()
    match = Q(ip_address=ip_address) if ip_address else Q(pk__in=[])
    if username:
        match |= Q(username=username)
    last = AccessAttempt.objects.filter(match, attempt_time__gte=now - cool_off).aggregate(last=Max("attempt_time"))
    return (last["last"] or now) + cool_off


def api_token_for_key(key: str) -> ApiToken | None:
    """The token with this key (revoked and expired ones too: the caller says why it refuses), with its user."""
    return ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()


def api_tokens_of_user(*, user: User) -> list[ApiToken]:
    """A user's tokens for the profile page, newest first: the live and expired ones, and those revoked in the last
    REVOKED_LISTED_DAYS (older revoked tokens drop off, so the list does not grow for ever)."""
    revoked_since = timezone.now() - timedelta(days=REVOKED_LISTED_DAYS)
    listed = Q(revoked_at__isnull=True) | Q(revoked_at__gte=revoked_since)
    return list(ApiToken.objects.filter(listed, user=user))

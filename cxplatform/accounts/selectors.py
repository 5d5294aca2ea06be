from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone


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

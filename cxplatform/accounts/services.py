"""API tokens: create, revoke, and note their use.

The key is known in full only at creation (the caller shows it once); the database keeps its SHA-256 hash
(cxplatform.accounts.models.ApiToken), and a request's key is found by hashing it the same way
(cxplatform.accounts.selectors.api_token_for_key).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cxplatform.audit import actions
from cxplatform.audit.recording import record

from .models import ApiToken, User

# A token's last use is written at most this often: an integration calling the API a hundred times a minute
# costs one UPDATE a minute, not a hundred.
LAST_USED_EVERY = datetime.timedelta(seconds=60)


def api_token_latest_expiry() -> datetime.date | None:
    """The furthest expiry date a token made today may have (API_TOKEN_MAX_DAYS); None: no limit."""
    if not settings.API_TOKEN_MAX_DAYS:
        return None
    return timezone.localdate() + datetime.timedelta(days=settings.API_TOKEN_MAX_DAYS)


@transaction.atomic
def api_token_create(*, user: User, name: str, access: str, expires_at: datetime.date | None) -> tuple[ApiToken, str]:
    """The new token and its key: the only time the key is known in full. Refuses an expiry date in the past, past
    API_TOKEN_MAX_DAYS, or none at all while there is a maximum (ValidationError on `expires_at`)."""
    latest = api_token_latest_expiry()
    max_days = settings.API_TOKEN_MAX_DAYS
    if expires_at is None and latest is not None:
        raise ValidationError(
            {"expires_at": _("Choose an expiry date: tokens live at most %(days)s days.") % {"days": max_days}}
        )
    if expires_at is not None and expires_at < timezone.localdate():
        raise ValidationError({"expires_at": _("The expiry date cannot be in the past.")})
    if expires_at is not None and latest is not None and expires_at > latest:
        raise ValidationError(
            {
                "expires_at": _("Tokens live at most %(days)s days: choose %(date)s or earlier.")
                % {"days": max_days, "date": date_format(latest, "DATE_FORMAT")}
            }
        )
    name = name.strip()
    if ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists():
        raise ValidationError(
            {
                "name": _("You already have a token named “%(name)s”: choose another name, or revoke that one.")
                % {"name": name}
            }
        )
    key = ApiToken.new_key()
    token = ApiToken(
        user=user,
        name=name,
        key_hash=ApiToken.hash_key(key),
        prefix=key[: ApiToken.PREFIX_LENGTH],
        access=access,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    record(actions.TOKEN_CREATED, obj=token, detail=_audit_detail(token))
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoked for good. Revoking a revoked token keeps its first moment, and records nothing again."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actions.TOKEN_REVOKED, obj=token, detail=_audit_detail(token))
    return token


def api_token_touch(*, token: ApiToken) -> bool:
    """Move the token's last use to now, unless it was moved less than LAST_USED_EVERY ago. True when written.

    A bare UPDATE of one column (no full_clean, no audit row): a use is not a change anyone made."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return False
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return True


def _audit_detail(token: ApiToken) -> dict:
    return {
        "access": token.access,
        "expires": token.expires_at.isoformat() if token.expires_at else None,
        "user_id": token.user_id,
    }

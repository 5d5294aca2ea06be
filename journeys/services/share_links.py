"""Read-only share links to a journey's map: create, revoke, record a use.

The token is shown once, at creation; only its SHA-256 hash is stored (journeys.models.ShareLink), and a visitor's
token is found by hashing it the same way (journeys.selectors.share_link_for_token).
"""

import datetime
import secrets

from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.accounts.models import User
from journeys.models import Journey, ShareLink, ShareLinkUse

# One visitor reloading the page is one use, not sixty: a use is recorded at most once a minute per visitor.
USE_LOG_SECONDS = 60
USER_AGENT_LENGTH = ShareLinkUse._meta.get_field("user_agent").max_length


@transaction.atomic
def share_link_create(
    *,
    journey: Journey,
    created_by: User,
    with_measures: bool = False,
    expires_at: datetime.date | None = None,
    password: str = "",
    label: str = "",
) -> tuple[ShareLink, str]:
    """The new link and its token: the only time the token is known in full (the caller shows it once)."""
    if expires_at is not None and expires_at < timezone.localdate():
        raise ValidationError({"expires_at": _("The expiry date cannot be in the past.")})
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        journey=journey,
        token_hash=ShareLink.hash_token(token),
        created_by=created_by,
        with_measures=with_measures,
        expires_at=expires_at,
        password=make_password(password) if password else "",
        label=label,
    )
    link.full_clean()
    link.save()
    return link, token


@transaction.atomic
def share_link_revoke(*, link: ShareLink) -> ShareLink:
    """Revoked for good; revoking a revoked link keeps its first moment."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


@transaction.atomic
def share_link_record_use(*, link: ShareLink, visitor: str, ip_address: str | None, user_agent: str) -> bool:
    """Log one use of the link (and move its last use), unless this visitor was logged in the last minute.

    `visitor`: what tells visitors apart (their address and browser); True when a use was recorded.
    """
    if not cache.add(f"share-use:{link.pk}:{ShareLink.hash_token(visitor)}", 1, USE_LOG_SECONDS):
        return False
    now = timezone.now()
    ShareLinkUse.objects.create(link=link, ip_address=ip_address or None, user_agent=user_agent[:USER_AGENT_LENGTH])
    ShareLink.objects.filter(pk=link.pk).update(last_used_at=now)
    link.last_used_at = now
    return True

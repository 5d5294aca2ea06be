"""The authentication backend of single sign-on: mozilla-django-oidc's, with the endpoints discovered from the
issuer, the ID token's issuer and audience checked too, the account found by its `sub` claim and its role and
teams brought in line with the groups claim at every login (mapping)."""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from cxplatform.lib import extension_points

from ..models import User
from . import mapping, sso_enabled
from .discovery import provider_metadata

logger = logging.getLogger(__name__)

USERNAME_CHARACTERS = re.compile(r"[^\w.@+-]")


class OIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads the endpoints here; they are discovered at the first login instead (authenticate).
        self.UserModel = User
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_TOKEN_ENDPOINT = self.OIDC_OP_USER_ENDPOINT = self.OIDC_OP_JWKS_ENDPOINT = None

    def authenticate(self, request, **kwargs: Any):  # type: ignore[override]
        # Only the SSO callback passes a nonce; a password login never reaches the provider.
        if not sso_enabled() or request is None or "nonce" not in kwargs:
            return None
        metadata = provider_metadata()  # DiscoveryError: the callback view says the provider is unreachable
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        user = super().authenticate(request, **kwargs)
        if user is not None and not user.is_active:
            return None  # Django then sends user_login_failed, which the audit trail records
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature and the nonce; the issuer and the audience are checked here too (an ID
        token made for another client or by another issuer is refused)."""
        payload = super().verify_token(token, **kwargs)
        if str(payload.get("iss", "")).rstrip("/") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, completed by the userinfo endpoint's when the provider has one (groups are often
        only there); both must be about the same subject."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("userinfo is about another subject")
            claims.update(info)
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> list[User]:
        """The account linked to this `sub`; else, with OIDC_LINK_BY_EMAIL, the one unlinked account with the
        address the provider says it verified (never a superuser or a break-glass account: a provider that lets
        people choose their address must not hand them those)."""
        linked = list(User.objects.filter(oidc_subject=claims["sub"]))
        if linked or not settings.OIDC_LINK_BY_EMAIL:
            return linked
        email = claims.get("email")
        if not email or claims.get("email_verified") is not True:
            return []
        candidates = list(
            User.objects.filter(email__iexact=email, oidc_subject__isnull=True, is_superuser=False).exclude(
                username__in=settings.LOCAL_LOGIN_USERS
            )[:2]
        )
        return candidates if len(candidates) == 1 else []

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User:
        outcome = mapping.outcome(claims, current_role=None)
        user = User(
            username=self.get_username(claims),
            oidc_subject=claims["sub"],
            role=outcome.role or settings.OIDC_DEFAULT_ROLE,
        )
        self._copy_profile(user, claims)
        user.set_unusable_password()  # the provider is how they log in
        user.full_clean()
        user.save()
        self._sync_teams(user, outcome)
        return user

    @transaction.atomic
    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        outcome = mapping.outcome(claims, current_role=user.role)
        changed = []
        if not user.oidc_subject:  # linked by e-mail just now
            user.oidc_subject = claims["sub"]
            changed.append("oidc_subject")
        before = (user.email, user.first_name, user.last_name)
        self._copy_profile(user, claims)
        if (user.email, user.first_name, user.last_name) != before:
            changed += ["email", "first_name", "last_name"]
        # The audit trail records the account's creation and a role change through the model's signals
        # (cxplatform.audit.signals): role_changed, with the fields touched.
        if outcome.role and outcome.role != user.role:
            user.role = outcome.role
            changed.append("role")
        if changed:
            user.save(update_fields=changed)
        self._sync_teams(user, outcome)
        return user

    def get_username(self, claims: dict[str, Any]) -> str:
        """preferred_username (or the e-mail address's local part) when free; with a short mark of the subject
        when someone here has it already; `sso-<mark>` when the provider names neither."""
        mark = hashlib.sha256(claims["sub"].encode()).hexdigest()[:8]
        wanted = claims.get("preferred_username") or (claims.get("email") or "").partition("@")[0]
        base = USERNAME_CHARACTERS.sub("", str(wanted))[:120]
        if not base:
            return f"sso-{mark}"
        if not User.objects.filter(username__iexact=base).exists():
            return base
        return f"{base}-{mark}"

    @staticmethod
    def _copy_profile(user: User, claims: dict[str, Any]) -> None:
        """The provider keeps a person's name and address; they are copied at every login."""
        if claims.get("email"):
            user.email = str(claims["email"])[:254]
        given, family = claims.get("given_name"), claims.get("family_name")
        if not (given or family) and claims.get("name"):
            given, _space, family = str(claims["name"]).partition(" ")
        if given or family:
            user.first_name = str(given or "")[:150]
            user.last_name = str(family or "")[:150]

    @staticmethod
    def _sync_teams(user: User, outcome: mapping.Outcome) -> None:
        if not outcome.managed_team_keys:
            return
        sync = extension_points.provider(extension_points.OIDC_TEAM_SYNC)
        if sync is not None:
            sync(user=user, team_keys=outcome.team_keys, managed_team_keys=outcome.managed_team_keys)

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles
from .roles import Role

__all__ = [
    "ApiToken",
    "Role",
    "TokenAccess",
    "User",
    "UserSession",
]  # Role lives in .roles; imported from here as well, where the model is


class User(AbstractUser):
    """A person using CX Platform. The role decides what they may change (see the teams issue)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CX_EDITOR)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    # The identity provider's `sub` claim: links single sign-on logins to this account (cxplatform.accounts.oidc),
    # whatever the person's username or e-mail address becomes there. Empty for local accounts.
    oidc_subject = models.CharField(_("single sign-on subject"), max_length=255, unique=True, null=True, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return roles.is_admin(self)


class TokenAccess(models.TextChoices):
    READ_ONLY = "read_only", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiToken(models.Model):
    """A named API token of one user (`Authorization: Token <key>`), read-only or read-write, until an expiry date.

    Only a SHA-256 hash of the key is stored, and its first characters to recognise it by: the key is shown once,
    to the user who made it, so a copy of the database or a look at the admin hands out no working key. The key is
    160 random bits, so an unsalted hash is enough (nobody can guess it, and the lookup by hash needs no per-row
    salt), unlike a password that needs a slow, salted hasher.
    """

    KEY_BYTES = 20  # 40 hexadecimal characters, the shape of the keys of DRF's authtoken that this replaces
    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=80, help_text=_("What the token is for, to tell your tokens apart."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=PREFIX_LENGTH, editable=False)
    access = models.CharField(_("access"), max_length=10, choices=TokenAccess.choices, default=TokenAccess.READ_ONLY)
    # The token works until the end of this day (TIME_ZONE); empty: it never expires (only when API_TOKEN_MAX_DAYS
    # is 0, or for a token an admin let run on).
    expires_at = models.DateField(_("expires on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Moved at most once a minute (cxplatform.accounts.services.api_token_touch), not on every request.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # A revoked token frees its name, so "CI export" can be made again after the old one was revoked.
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_name_unique_per_user",
                violation_error_message=_("You already have a token with this name: choose another name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def new_key(cls) -> str:
        return secrets.token_hex(cls.KEY_BYTES)

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def credential_label(self) -> str:
        """How the audit trail names this token as the credential of a write."""
        return f'token "{self.name}" ({self.prefix}…)'

    @property
    def is_read_only(self) -> bool:
        return self.access == TokenAccess.READ_ONLY

    @property
    def status(self) -> str:
        """ "revoked", "expired" (from the day after its expiry date) or "active"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "active"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at < timezone.localdate()


class UserSession(models.Model):
    """One signed-in session of a user, beside Django's session row (cxplatform.accounts.sessions): what the
    profile page lists, and what "end this session" ends. Deleting the session row (logout, ending it, expiry,
    clearsessions) deletes this one with it."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="+", db_column="session_key")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    created = models.DateTimeField(_("signed in at"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last active"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    # The user's session hash at login: a password change makes every other session unusable (Django checks the
    # hash on each request), and the list leaves out the sessions whose hash no longer matches.
    auth_hash = models.CharField(max_length=128, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen"]
        indexes = [models.Index(fields=["user", "last_seen"])]

    def __str__(self) -> str:
        # Never the session key: this is what the audit trail shows of an ended session.
        return f"{self.user} · {self.pk}"

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.models import Session
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import roles
from .roles import Role

__all__ = ["Role", "User", "UserSession"]  # Role lives in .roles; imported from here as well, where the model is


class User(AbstractUser):
    """A person using CX Platform. The role decides what they may change (see the teams issue)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CX_EDITOR)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return roles.is_admin(self)


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

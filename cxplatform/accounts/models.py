from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import roles
from .roles import Role

__all__ = ["Role", "User"]  # Role lives in .roles; imported from here as well, where the model is


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

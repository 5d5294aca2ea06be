from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CX_EDITOR = "cx_editor", _("CX editor")
    MANAGER = "manager", _("Manager")
    PROCESS_OWNER = "process_owner", _("Process owner")
    ADMIN = "admin", _("Admin")


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
        return self.role == Role.ADMIN or self.is_superuser

from django.db import models
from django.utils.translation import gettext_lazy as _


class JourneyGroup(models.Model):
    """A lifecycle cluster of journeys: becoming, being or staying a customer. Teams are organised per group."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("journey group")
        verbose_name_plural = _("journey groups")

    def __str__(self) -> str:
        return self.name

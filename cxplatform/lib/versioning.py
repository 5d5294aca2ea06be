"""Optimistic concurrency, shared by every app: each editable row carries a `version`, and an edit names the
version it was based on."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StaleVersion(Exception):
    """An edit was based on an older version than the one stored: someone else changed it first.

    `current` is the fresh object (or None when it was deleted), to show the user what it is now.
    """

    def __init__(self, current: models.Model | None, message: str | None = None):
        self.current = current
        self.message = message or (
            _("Someone else changed this in the meantime. Your change was not saved; here is the latest version.")
            if current is not None
            else _("Someone else deleted this in the meantime. Your change was not saved.")
        )
        super().__init__(str(self.message))

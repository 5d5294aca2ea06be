"""The profile page's form for a new API token: its name, its access, and when it expires."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiToken, TokenAccess

PRESET_DAYS = (30, 90, 365)
DEFAULT_DAYS = 90
ON_A_DATE = "date"
NEVER = "never"


def expiry_choices(max_days: int) -> list[tuple[str, str]]:
    """The lifetimes on offer: the presets within API_TOKEN_MAX_DAYS, the maximum itself when it is none of them,
    a date of one's choice, and "never" only when there is no maximum."""
    days = [d for d in PRESET_DAYS if not max_days or d <= max_days]
    if max_days and max_days not in days:
        days.append(max_days)
    choices = [(str(d), _days_label(d, longest=d == max_days)) for d in days]
    choices.append((ON_A_DATE, _("On a date (below)")))
    if not max_days:
        choices.append((NEVER, _("Never")))
    return choices


def _days_label(days: int, *, longest: bool) -> str:
    if days == 365:
        label = str(_("In a year"))
    else:
        label = ngettext("In %(days)s day", "In %(days)s days", days) % {"days": days}
    return f"{label} {_('(the longest allowed)')}" if longest else label


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, for example “Power BI refresh” or “CI export”."),
    )
    access = forms.ChoiceField(
        label=_("Access"),
        choices=TokenAccess.choices,
        initial=TokenAccess.READ_ONLY,
        widget=forms.RadioSelect,
        help_text=_("A read-only token can read everything you can read, and change nothing."),
    )
    expires = forms.ChoiceField(label=_("Expires"))
    expires_at = forms.DateField(
        label=_("Expiry date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When “On a date” is chosen: the token works until the end of this day."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = expiry_choices(settings.API_TOKEN_MAX_DAYS)
        self.fields["expires"].choices = choices
        offered = [value for value, _label in choices]
        self.fields["expires"].initial = str(DEFAULT_DAYS) if str(DEFAULT_DAYS) in offered else offered[0]

    def clean(self) -> dict:
        """`expires_at` becomes the date the chosen lifetime ends (None: never); the service checks its range."""
        cleaned = super().clean()
        expires = cleaned.get("expires")
        if expires == ON_A_DATE:
            if cleaned.get("expires_at") is None and "expires_at" not in self.errors:
                self.add_error("expires_at", _("Pick the date the token should stop working."))
        elif expires == NEVER:
            cleaned["expires_at"] = None
        elif expires:
            cleaned["expires_at"] = timezone.localdate() + datetime.timedelta(days=int(expires))
        return cleaned

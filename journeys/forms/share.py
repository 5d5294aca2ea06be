"""Forms of the share links: the editor's new link, and the visitor's password."""

from django import forms
from django.utils.translation import gettext_lazy as _

from journeys.models import ShareLink


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        required=False,
        max_length=ShareLink._meta.get_field("label").max_length,
        help_text=_("Who the link is for, to tell the links apart (optional)."),
    )
    with_measures = forms.BooleanField(
        label=_("Show the measured layer"),
        required=False,
        help_text=_("The measured scores on the cards and the measured emotion curve."),
    )
    expires_at = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The link works until the end of this day. Empty: until it is revoked."),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Optional: whoever opens the link must type it first."),
    )


class SharePasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

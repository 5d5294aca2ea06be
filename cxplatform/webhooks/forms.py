from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cxplatform.webhooks.events import SUBSCRIBABLE
from cxplatform.webhooks.models import BodyFormat


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("E.g. “Claims channel in Slack”."))
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the events are POSTed: an http:// or https:// address."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=SUBSCRIBABLE,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    body_format = forms.ChoiceField(
        label=_("Body"),
        choices=BodyFormat.choices,
        initial=BodyFormat.JSON,
        widget=forms.RadioSelect,
        help_text=_("The signed JSON event for your own code, or a message a Slack or Teams channel shows."),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Enter an http:// or https:// URL."))
        return url

"""Forms of the organisation pages: proposing a mandate, and deciding on one. They validate input at the field
the person has to fix; the services write (and check the same rules again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cxplatform.accounts.models import Role
from teams.models import Mandate

MANDATE_FIELDS = ["sponsor", "budget", "hours", "time_percent", "priority", "starts_on", "ends_on"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MandateForm(forms.ModelForm):
    budget = forms.DecimalField(
        label=_("budget (€)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={"min_value": _("The budget cannot be negative.")},
    )

    class Meta:
        model = Mandate
        fields = MANDATE_FIELDS
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        help_texts = {
            "sponsor": _("The manager who backs the team in the organisation."),
            "hours": _("Give the time as hours in total, or as a percentage of the members' time, or both."),
            "time_percent": _("The share of their working time the members may spend on the team."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Sponsors come from management: the people who can also decide on the mandate.
        self.fields["sponsor"].queryset = get_user_model().objects.filter(role__in=[Role.MANAGER, Role.ADMIN])
        self.fields["sponsor"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The period must end on or after the day it starts."))
        if (
            data.get("hours") is None
            and data.get("time_percent") is None
            and "hours" not in self.errors
            and "time_percent" not in self.errors
        ):
            self.add_error("hours", _("Give the time as hours or as a percentage of the members' time."))
        return data

    def _post_clean(self) -> None:
        # The model's own checks run in the service; here they would repeat the messages above.
        pass


class MandateDecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))], widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("note for the team"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: why, or on what conditions."),
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE

"""Forms and filters of the follow-up pages: the inbox's filters, and the forms that work one case."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cxplatform.accounts.forms import PersonChoiceFilter, person_label
from journeys.models import Journey
from metrics.models import CaseStatus, FollowUpCase
from metrics.selectors.followups import case_overdue_q, followup_owner_choices
from metrics.services.followups import CASE_TRANSITIONS

UNASSIGNED = "none"


class FollowUpFilter(django_filters.FilterSet):
    """The inbox's filters; `owner` only for those who see everyone's cases (with_owner)."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices, empty_label=_("All statuses"))
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("yes", _("Overdue")), ("no", _("Not overdue"))],
        empty_label=_("Either"),
        method="filter_overdue",
    )
    journey = django_filters.ModelChoiceFilter(
        label=_("Journey"),
        field_name="response__journey",
        queryset=Journey.objects.order_by("name", "id"),
        empty_label=_("All journeys"),
    )
    owner = PersonChoiceFilter(
        label=_("Owner"),
        queryset=followup_owner_choices(),
        empty_label=_("Everybody"),
        null_label=_("Unassigned"),
        null_value=UNASSIGNED,
    )

    class Meta:
        model = FollowUpCase
        fields = ["status", "overdue", "journey", "owner"]

    def __init__(self, *args, with_owner: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_owner:
            del self.filters["owner"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(case_overdue_q()) if value == "yes" else queryset.exclude(case_overdue_q())


class _VersionedForm(forms.Form):
    """A form about one version of a case; the version travels in a hidden field, whose errors nobody sees."""

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and "version" in self.errors:
            self.add_error(None, _("This form lost track of the case's version: reload the page and try again."))


class CaseStatusForm(_VersionedForm):
    """The owner's report: where the case stands now, and what came of it."""

    status = forms.ChoiceField(label=_("Status"))
    outcome = forms.CharField(
        label=_("Outcome note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was agreed with the customer. Needed to resolve the case."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, case: FollowUpCase, **kwargs):
        kwargs.setdefault("initial", {"status": case.status, "outcome": case.outcome, "version": case.version})
        super().__init__(*args, **kwargs)
        reachable = {case.status, *CASE_TRANSITIONS[case.status]}
        self.fields["status"].choices = [(value, label) for value, label in CaseStatus.choices if value in reachable]


class CaseLinkForm(_VersionedForm):
    action = forms.ModelChoiceField(
        label=_("Improvement action"),
        queryset=None,
        required=False,
        empty_label=_("No improvement action"),
        help_text=_("The open improvement actions of this journey."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, case: FollowUpCase, actions, **kwargs):
        kwargs.setdefault("initial", {"action": case.action_id, "version": case.version})
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = actions


class CaseActionForm(_VersionedForm):
    """A new improvement action from the case, prefilled by followup_action_prefill."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CaseReassignForm(_VersionedForm):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False, empty_label=_("Unassigned"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, case: FollowUpCase, users, **kwargs):
        kwargs.setdefault("initial", {"owner": case.owner_id, "version": case.version})
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users
        self.fields["owner"].label_from_instance = person_label

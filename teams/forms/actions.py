"""Forms and filters of the improvement-action pages."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cxplatform.accounts.forms import PersonChoiceFilter, person_label
from journeys.models import Journey
from teams.models import ActionStatus, ImprovementAction, Team
from teams.selectors.actions import action_sorted, assignable_users, assignee_choices, overdue

SCALE = [
    (1, _("1 · very low")),
    (2, _("2 · low")),
    (3, _("3 · medium")),
    (4, _("4 · high")),
    (5, _("5 · very high")),
]
# The query-string keys the board, the list and the matrix share, so switching page keeps the selection.
SHARED_FILTERS = ("team", "journey", "assignee")


class ActionBoardFilter(django_filters.FilterSet):
    """The filters of the board and the matrix: whose actions, on which journey."""

    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.order_by("name"), empty_label=_("All teams")
    )
    journey = django_filters.ModelChoiceFilter(
        label=_("Journey"), queryset=Journey.objects.order_by("name", "id"), empty_label=_("All journeys")
    )
    assignee = PersonChoiceFilter(label=_("Assignee"), queryset=assignee_choices(), empty_label=_("Everybody"))

    class Meta:
        model = ImprovementAction
        fields = list(SHARED_FILTERS)


class ActionFilter(ActionBoardFilter):
    """The list's filters: the board's, and status, overdue and the order."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActionStatus.choices, empty_label=_("All statuses"))
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("yes", _("Overdue")), ("no", _("Not overdue"))],
        empty_label=_("Either"),
        method="filter_overdue",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[("due", _("Due date, soonest first")), ("-due", _("Due date, latest first"))],
        empty_label=None,
        method="filter_sort",
    )

    class Meta:
        model = ImprovementAction
        fields = [*SHARED_FILTERS, "status", "overdue", "sort"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue()) if value == "yes" else queryset.exclude(overdue())

    def filter_sort(self, queryset, name, value):
        return action_sorted(queryset, latest_first=value == "-due")


class ActionForm(forms.ModelForm):
    """Create and edit an action. `journey` only when nothing else says which one; `progress` only on edit."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ImprovementAction
        fields = [
            "title",
            "journey",
            "description",
            "assignee",
            "team",
            "impact",
            "effort",
            "progress",
            "due_date",
            "sprint",
            "expected_investment",
            "expected_gains",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4, "placeholder": _("As a customer, I want … so that …")}),
            "impact": forms.Select(choices=SCALE),
            "effort": forms.Select(choices=SCALE),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expected_investment": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "expected_gains": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
        }

    def __init__(self, *args, choose_journey: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["progress"]
        if choose_journey and not self.instance.pk:
            self.fields["journey"].queryset = Journey.objects.order_by("name", "id")
        else:
            del self.fields["journey"]
        assignee = self.fields["assignee"]
        assignee.queryset = assignable_users()
        assignee.label_from_instance = person_label
        assignee.empty_label = _("Nobody yet")
        assignee.help_text = _("A process owner, who carries the action out.")
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["team"].empty_label = _("A team that owns the journey’s group")
        self.fields["sprint"].help_text = _("For example “2025-S14” or “Q3”.")


class ActionProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActionCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("What changed, what is blocking, what is next?")}),
    )

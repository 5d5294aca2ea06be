"""Filters of the teams API's lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import ActionStatus, ImprovementAction


class ActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ActionStatus.choices)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        field_name="is_overdue",  # annotated by teams.selectors.action_list
        help_text=_("true: open actions past their due date; false: all others."),
    )

    class Meta:
        model = ImprovementAction
        fields = ["team", "journey", "touchpoint", "assignee", "status", "overdue"]

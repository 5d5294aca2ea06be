"""How forms and filters of every app name and choose people: by their name, like everywhere else, rather than
their username."""

from __future__ import annotations

from typing import Any

import django_filters


def person_label(user: Any) -> str:
    """A person as a choice shows them: their full name, or their username when they have none."""
    return user.get_full_name() or user.username


class PersonChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter on a person (an assignee, a case owner), its choices labelled by person_label."""

    @property
    def field(self):
        field = super().field
        field.label_from_instance = person_label
        return field

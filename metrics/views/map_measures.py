"""The journey map's measured experience, as settings.MAP_MEASURES names it: a callable (journey, query) that the
map page of journeys calls with its query string (journeys imports nothing of metrics).

It reads the period from the query string with the period form (an invalid period falls back to the default,
and the form carries the errors the map header shows) and the figures from the selector,
metrics.selectors.map_measures.measured_map.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from journeys.models import Journey
from metrics.forms.periods import PeriodForm
from metrics.selectors.map_measures import DEFAULT_PERIOD, MapMeasures, measured_map


def map_measures(journey: Journey, query: Mapping[str, Any] | None) -> MapMeasures:
    """The measured figures of `journey`'s map for the period that `query` (the page's query string) chooses.

    An invalid period falls back to the default, and the form carries the errors to show."""
    form = PeriodForm(query or None, default=DEFAULT_PERIOD)
    measures = measured_map(journey=journey, period=form.chosen())
    measures.form = form
    return measures

"""Three sections of the management dashboard: custom KPIs against their targets (`kpis`), the improvement work
(`improvement`: actions, business cases, the before/after effect of finished actions) and the inner loop
(`inner_loop`: follow-up cases); `scope` turns the dashboard's scope and period into filters.

Every function takes the dashboard's scope as keywords: `group_id` (journey group), `journey_id`, `channel_id`
(the touchpoint's channel: actions and cases without a touchpoint drop out when a channel is chosen), and for the
period-bound figures `date_from` / `date_to` (local dates, both included) and `today`. Each returns plain dicts
and dataclasses ready for a template, a chart and a CSV, in a fixed number of queries whatever the data (counted
in each docstring); scores come from the KPI snapshots, never the responses.
"""

from .improvement import EFFECT_LIMIT, action_effects, improvement_work
from .inner_loop import Median, inner_loop
from .kpis import custom_kpi_overview

__all__ = ["EFFECT_LIMIT", "Median", "action_effects", "custom_kpi_overview", "improvement_work", "inner_loop"]

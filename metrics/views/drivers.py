"""The key-driver page of a journey: importance against performance of its touchpoints, the quadrant chart, the
ranked "fix first" list with a button that starts a prefilled improvement action, and the table as CSV.

Everyone logged in may look; the button is there for those who may create actions (teams.permissions).
Each touchpoint shows what its unhappy customers say: its most mentioned negative themes in the period, linking
to the theme analysis of the touchpoint (metrics.themes.selectors.touchpoint_top_themes).

Queries: the journey, the driver sums, the touchpoints, the touchpoints' top themes (besides the session and the
user).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from cxplatform.lib.csv_download import csv_download
from journeys.models import Journey
from metrics.charts import driver_quadrant_figure
from metrics.forms.periods import PeriodForm
from metrics.selectors.drivers import DriverAnalysis, DriverRow, driver_analysis
from metrics.themes.selectors import touchpoint_top_themes
from teams.permissions import can_create_actions

TITLE_LENGTH = 120
THEMES_PER_TOUCHPOINT = 3


def _number(value: float | None, places: int) -> str:
    """As the page shows it (the template's floatformat, in the user's language)."""
    return "" if value is None else floatformat(value, places)


def _action_url(analysis: DriverAnalysis, row: DriverRow) -> str:
    """The action form, prefilled: the touchpoint, a title, and what the analysis found as the description."""
    title = Truncator(_("Improve “%(name)s”: a key driver of NPS") % {"name": row.name}).chars(TITLE_LENGTH)
    facts = _(
        "Key-driver analysis of “%(journey)s”, %(date_from)s to %(date_to)s: the score at this touchpoint goes "
        "with the NPS of the same respondents (r = %(r)s, %(n)s linked respondents, significant at 5%%), while "
        "its performance is low (%(performance)s of 100). Rank %(rank)s on the fix-first list."
    ) % {
        "journey": analysis.journey.name,
        "date_from": analysis.date_from.isoformat(),
        "date_to": analysis.date_to.isoformat(),
        "r": _number(row.importance, 2),
        "n": row.n,
        "performance": _number(row.performance, 1),
        "rank": row.rank,
    }
    query = urlencode({"touchpoint": row.touchpoint_id, "title": title, "description": facts})
    return f"{reverse('teams:action-create')}?{query}"


def _csv(analysis: DriverAnalysis) -> HttpResponse:
    header = [
        _("Touchpoint"),
        _("Stage"),
        _("Channel"),
        _("Linked respondents"),
        _("Importance (r)"),
        _("p-value"),
        _("Significant (p < 0.05)"),
        _("Performance (0-100)"),
        _("CSAT % satisfied"),
        _("CSAT answers"),
        _("CES mean"),
        _("CES answers"),
        _("Status"),
        _("Quadrant"),
        _("Fix-first rank"),
        _("Priority"),
    ]
    yes, no = _("yes"), _("no")

    def fixed(value: float | None, places: int) -> str:
        return "" if value is None else f"{value:.{places}f}"

    rows = []
    for row in analysis.rows:
        analysed = row.importance is not None
        rows.append(
            [
                row.name,
                row.stage,
                row.channel or "",
                row.n,
                fixed(row.importance, 3),
                fixed(row.p_value, 4),
                (yes if row.significant else no) if analysed else "",
                fixed(row.performance, 2),
                fixed(row.csat_percent, 1),
                row.csat_n,
                fixed(row.ces_mean, 2),
                row.ces_n,
                row.status_label,
                row.quadrant_label,
                row.rank or "",
                fixed(row.priority, 1),
            ]
        )
    name = slugify(analysis.journey.name) or "journey"
    filename = f"key-drivers-{name}-{analysis.date_from.isoformat()}-{analysis.date_to.isoformat()}.csv"
    return csv_download(filename, header, rows)


def _attach_themes(analysis: DriverAnalysis, period_query: dict[str, str]) -> None:
    """Each row's `themes`: its touchpoint's top negative themes in the period, each with the `url` of the theme
    on the touchpoint (its figures, trend and quotes). One query."""
    found = touchpoint_top_themes(
        journey_id=analysis.journey.pk,
        date_from=analysis.date_from,
        date_to=analysis.date_to,
        limit=THEMES_PER_TOUCHPOINT,
    )
    for row in analysis.rows:
        query = urlencode({"journey": analysis.journey.pk, "touchpoint": row.touchpoint_id, **period_query})
        row.themes = [
            {"theme": theme, "url": f"{reverse('metrics:theme-in-scope', args=[theme.theme_id])}?{query}"}
            for theme in found.get(row.touchpoint_id, [])
        ]


def journey_drivers(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    form = PeriodForm(request.GET or None, default="12m")
    period = form.chosen()  # the default while the form has errors, which the page shows
    wants_csv = request.GET.get("format") == "csv"
    analysis = driver_analysis(journey=journey, date_from=period.date_from, date_to=period.date_to)
    if wants_csv and not form.errors:
        return _csv(analysis)
    _attach_themes(analysis, period.query())
    can_create = can_create_actions(request.user)
    fix_first = analysis.fix_first
    if can_create:
        for row in fix_first:
            row.action_url = _action_url(analysis, row)
    query = urlencode({**period.query(), "format": "csv"})
    return render(
        request,
        "metrics/journey_drivers.html",
        {
            "journey": journey,
            "form": form,
            "period": period,
            "analysis": analysis,
            "fix_first": fix_first,
            "figure": driver_quadrant_figure(analysis) if analysis.sufficient else None,
            "can_create_actions": can_create,
            "csv_url": f"{request.path}?{query}",
        },
        # A CSV asked for with a bad period: the page, with the errors at their fields.
        status=400 if wants_csv else 200,
    )

"""The theme analysis: what customers say, by theme, for a journey, stage, touchpoint or channel and a period
(metrics.themes.selectors), and from a theme on a touchpoint a pain point on the map or an improvement action
with the evidence (metrics.themes.evidence).

Everyone logged in reads the figures and quotes; the "create" buttons show to those who may do it, and the
POSTs check again (journeys.permissions for the map, teams.permissions for actions).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from journeys.models import Journey, Touchpoint
from journeys.permissions import can_edit_journeys, edit_refusal_reason
from metrics.charts.theme_trend import theme_trend_figure
from metrics.forms.theme_analysis import ThemeScopeForm
from metrics.models import Theme
from metrics.themes.evidence import action_initial, finding_from_theme
from metrics.themes.selectors import theme_quotes, theme_summary, theme_touchpoints, theme_trend
from teams.permissions import can_create_actions

TREND_THEMES = 5
QUOTES = 5
TOUCHPOINTS = 5


def _in_scope_url(theme_pk: int, form: ThemeScopeForm, **changes: int | None) -> str:
    return f"{reverse('metrics:theme-in-scope', args=[theme_pk])}?{form.querystring(**changes)}"


@require_GET
def theme_analysis(request: HttpRequest) -> HttpResponse:
    """The ranked table of themes in scope and the monthly trend of the top five.

    Queries: the chosen journey, stage, touchpoint and channel (when given), the scope's totals, the themes with
    their counts, the trend's mentions and comments (when a theme is mentioned), whether the codebook has a theme
    (when none is mentioned), the filter's four lists."""
    form = ThemeScopeForm(request.GET or None, default="12m")
    scope = form.scope()
    period = form.chosen()
    summary = theme_summary(scope)
    top = [figure.theme for figure in summary.figures[:TREND_THEMES]]
    figure = theme_trend_figure(theme_trend(scope, [theme.pk for theme in top]), top) if top else None
    has_themes = bool(summary.figures) or Theme.objects.filter(active=True).exists()
    for row in summary.figures:
        row.url = _in_scope_url(row.theme.pk, form)
    return render(
        request,
        "metrics/themes/analysis.html",
        {
            "form": form,
            "scope": scope,
            "period": period,
            "summary": summary,
            "figure": figure,
            "has_themes": has_themes,
            "top_count": len(top),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def theme_in_scope(request: HttpRequest, theme_pk: int) -> HttpResponse:
    """One theme in the scope: its figures, monthly trend and quotes; on one touchpoint, the buttons that make a
    pain point or an improvement action of it; on a wider scope, the touchpoints where it is mentioned most,
    each with those buttons.

    Queries: the theme, the chosen filters (when given), the scope's totals, the theme's counts, its trend
    (mentions, comments), its quotes, the touchpoints where it is mentioned most (wider scope only), the
    user's teams and their journey groups (the map-edit policy, when a button may show), the filter's lists."""
    theme = get_object_or_404(Theme, pk=theme_pk)
    form = ThemeScopeForm(request.GET or None, default="12m")
    scope = form.scope()
    summary = theme_summary(scope, theme_ids=[theme.pk])
    row = summary.figures[0] if summary.figures else None
    trend = theme_trend(scope, [theme.pk])
    figure = theme_trend_figure(trend, [theme])
    quotes = theme_quotes(scope, theme.pk, limit=QUOTES)
    touchpoint = form.chosen_touchpoint()
    may_create_actions = can_create_actions(request.user)
    places = []
    if touchpoint is not None:
        places = [
            {
                "touchpoint_id": touchpoint.pk,
                "name": touchpoint.name,
                "context": f"{touchpoint.journey.name} · {touchpoint.stage.name}",
                "mentions": row.mentions if row else 0,
                "can_find": row is not None and can_edit_journeys(request.user, touchpoint.journey),
                "can_act": row is not None and may_create_actions,
            }
        ]
    else:
        for place in theme_touchpoints(scope, theme.pk, limit=TOUCHPOINTS):
            journey = Journey(pk=place.journey_id, group_id=place.group_id)
            places.append(
                {
                    "touchpoint_id": place.touchpoint_id,
                    "name": place.name,
                    "context": f"{place.journey} · {place.stage}",
                    "mentions": place.mentions,
                    "detractors": place.detractors,
                    "url": _in_scope_url(theme.pk, form, touchpoint=place.touchpoint_id, journey=None, stage=None),
                    "can_find": can_edit_journeys(request.user, journey),
                    "can_act": may_create_actions,
                }
            )
    # What the buttons post besides the touchpoint: the period and the channel (the touchpoint names the rest).
    posted = {key: value for key, value in form.query().items() if key in ("period", "from", "to", "channel")}
    return render(
        request,
        "metrics/themes/in_scope.html",
        {
            "theme": theme,
            "form": form,
            "scope": scope,
            "period": form.chosen(),
            "summary": summary,
            "row": row,
            "figure": figure,
            "quotes": quotes,
            "touchpoint": touchpoint,
            "places": places,
            "posted": posted,
            "back_url": f"{reverse('metrics:theme-analysis')}?{form.querystring()}",
        },
        status=400 if form.errors else 200,
    )


def _posted_scope(request: HttpRequest) -> tuple[ThemeScopeForm, Touchpoint] | HttpResponseBadRequest:
    """The scope the button posted, with its touchpoint; a 400 naming the field when it is not usable."""
    form = ThemeScopeForm(request.POST, default="12m")
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(str(e) for e in errs)}" for name, errs in form.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    touchpoint = form.chosen_touchpoint()
    if touchpoint is None:
        return HttpResponseBadRequest(
            _("touchpoint: Choose the touchpoint of the finding or action."), content_type="text/plain; charset=utf-8"
        )
    return form, touchpoint


@require_POST
def theme_finding(request: HttpRequest, theme_pk: int) -> HttpResponse:
    """A pain point on the posted touchpoint with the theme's evidence; then the journey map, saying so."""
    theme = get_object_or_404(Theme, pk=theme_pk)
    posted = _posted_scope(request)
    if isinstance(posted, HttpResponseBadRequest):
        return posted
    form, touchpoint = posted
    if not can_edit_journeys(request.user, touchpoint.journey):
        raise PermissionDenied(edit_refusal_reason(request.user, touchpoint.journey))
    try:
        finding = finding_from_theme(user=request.user, touchpoint=touchpoint, theme=theme, scope=form.scope())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_in_scope_url(theme.pk, form))
    messages.success(
        request,
        _("Pain point “%(theme)s” added to “%(touchpoint)s”, with its evidence.")
        % {"theme": theme.name, "touchpoint": touchpoint.name},
    )
    return redirect(f"{reverse('journeys:map', args=[touchpoint.journey_id])}#finding-{finding.pk}")


@require_POST
def theme_action(request: HttpRequest, theme_pk: int) -> HttpResponse:
    """The improvement action form, prefilled with the touchpoint, a title and the theme's evidence (nothing is
    stored until that form is saved)."""
    theme = get_object_or_404(Theme, pk=theme_pk)
    posted = _posted_scope(request)
    if isinstance(posted, HttpResponseBadRequest):
        return posted
    form, touchpoint = posted
    try:
        initial = action_initial(user=request.user, touchpoint=touchpoint, theme=theme, scope=form.scope())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_in_scope_url(theme.pk, form))
    return redirect(f"{reverse('teams:action-create')}?{urlencode(initial)}")

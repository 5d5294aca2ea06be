"""A pain point finding or an improvement action made from a theme on a touchpoint, with its evidence.

The evidence is what the theme analysis shows of the theme at that touchpoint in the period (the scope's
channel kept, its journey and stage following from the touchpoint): how many comments mention it and their
share, the score of those who mention it against the rest with the 95% margin of the difference, the points
it costs, the period as dates (a finding outlives "the last 12 months") and three quotes, redacted. The score is
the touchpoint's impact metric (selectors.impact_metric_of): NPS when it has NPS responses in the period, else
CSAT (programmes often ask NPS of the journey and CSAT at its touchpoints), else none.
It is written in the language of the user who makes it, like anything they would type.

The finding's severity (1-5) follows from the points of that metric the theme costs at the touchpoint:
- NPS (SEVERITY_BY_COST): 5 from 5 points, 4 from 3, 3 from 1.5, 2 from 0.5;
- CSAT (SEVERITY_BY_CSAT_COST): 5 from 2.5 points, 4 from 1.5, 3 from 0.75, 2 from 0.25, half the NPS
  thresholds. NPS runs from -100 to +100 and CSAT from 0 to 100: turning every dissatisfied customer into a
  satisfied one moves the NPS up to 200 points (detractor to promoter) but the CSAT at most 100 (below 4 to 4-5),
  so a point of CSAT stands for twice the customers of a point of NPS, and the same harm costs about half as
  many points;
- else 1 (a theme that costs less, or gains, or has no responses without it to compare with, or a touchpoint
  with neither NPS nor CSAT).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cxplatform.accounts.models import User
from journeys.models import Finding, FindingKind, FindingSource, Touchpoint
from journeys.permissions import can_edit_journeys, edit_refusal_reason
from journeys.services.map import finding_create
from metrics.models import Metric, Theme
from metrics.periods import CUSTOM, ReportPeriod
from teams.models import ImprovementAction
from teams.permissions import NOT_AN_EDITOR, can_create_actions

from .selectors import Quote, Scope, ThemeFigure, theme_quotes, theme_summary

# (lowest cost in points of NPS, severity), highest first.
SEVERITY_BY_COST: tuple[tuple[float, int], ...] = ((5.0, 5), (3.0, 4), (1.5, 3), (0.5, 2))
# (lowest cost in points of CSAT, severity), highest first: half the NPS thresholds (the module docstring says why).
SEVERITY_BY_CSAT_COST: tuple[tuple[float, int], ...] = ((2.5, 5), (1.5, 4), (0.75, 3), (0.25, 2))
QUOTES = 3
QUOTE_LENGTH = 300
TITLE_LENGTH = ImprovementAction._meta.get_field("title").max_length or 200


def severity_for_cost(cost: float | None, metric: str | None = Metric.NPS.value) -> int:
    """The severity of a theme that costs `cost` points of `metric` ("nps" or "csat"; None: 1)."""
    by_metric: dict[str, tuple[tuple[float, int], ...]] = {
        Metric.NPS.value: SEVERITY_BY_COST,
        Metric.CSAT.value: SEVERITY_BY_CSAT_COST,
    }
    thresholds = by_metric.get(metric or "", ())
    for lowest, severity in thresholds:
        if cost is not None and cost >= lowest:
            return severity
    return 1


@dataclass(frozen=True)
class ThemeEvidence:
    theme: Theme
    touchpoint: Touchpoint
    scope: Scope  # narrowed to the touchpoint
    figure: ThemeFigure
    quotes: list[Quote]

    @property
    def severity(self) -> int:
        return severity_for_cost(self.figure.cost, self.figure.impact_metric)

    def period_phrase(self) -> str:
        return ReportPeriod(CUSTOM, self.scope.day_from, self.scope.day_to).phrase

    def lines(self) -> list[str]:
        f = self.figure
        lines = [
            _("Customers mention “%(theme)s” at “%(touchpoint)s” %(period)s:")
            % {"theme": self.theme.name, "touchpoint": self.touchpoint.name, "period": self.period_phrase()},
            _("- %(mentions)s comments (%(share)s%% of the comments);")
            % {"mentions": f.mentions, "share": floatformat(f.share, 1)},
        ]
        lines.extend(self.score_lines())
        if self.quotes:
            lines.append(_("What they say:"))
            for quote in self.quotes:
                lines.append(
                    _("“%(text)s” (%(metric)s %(score)s, %(day)s)")
                    % {
                        "text": Truncator(" ".join(quote.text.split())).chars(QUOTE_LENGTH),
                        "metric": quote.metric.upper(),
                        "score": quote.score,
                        "day": quote.day.isoformat(),
                    }
                )
        lines.append(_("Source: survey comments, theme analysis."))
        return lines

    def score_lines(self) -> list[str]:
        """The impact metric's lines: with against without the theme, the margin, the points it costs."""
        f = self.figure
        if f.impact_metric == Metric.CSAT:
            values = {"with": floatformat(f.impact_with, 1) + "%", "without": floatformat(f.impact_without, 1) + "%"}
            compared = _(
                "- CSAT %(with)s among those who mention it (n = %(n_with)s) against %(without)s among the others "
                "(n = %(n_without)s): %(impact)s ± %(margin)s points%(low)s;"
            )
            alone = _("- CSAT %(with)s among those who mention it (n = %(n)s); no others to compare with.")
            costs = _("- it costs %(cost)s points of CSAT (what the CSAT would gain if they scored like the rest).")
            gains = _("- it costs no CSAT (those who mention it score %(gain)s points higher than the rest).")
        elif f.impact_metric == Metric.NPS:
            values = {"with": floatformat(f.impact_with, 1), "without": floatformat(f.impact_without, 1)}
            compared = _(
                "- NPS %(with)s among those who mention it (n = %(n_with)s) against %(without)s among the others "
                "(n = %(n_without)s): %(impact)s ± %(margin)s points%(low)s;"
            )
            alone = _("- NPS %(with)s among those who mention it (n = %(n)s); no others to compare with.")
            costs = _("- it costs %(cost)s points of NPS (what the NPS would gain if they scored like the rest).")
            gains = _("- it costs no NPS (those who mention it score %(gain)s points higher than the rest).")
        else:
            return []
        if f.impact is not None:
            return [
                compared
                % {
                    **values,
                    "n_with": f.impact_n,
                    "n_without": f.impact_without_n,
                    "impact": floatformat(f.impact, 1),
                    "margin": floatformat(f.margin, 1),
                    "low": _(" (low sample)") if f.low_sample else "",
                },
                costs % {"cost": floatformat(f.cost, 1)}
                if f.cost is not None and f.cost >= 0
                else gains % {"gain": floatformat(-(f.cost or 0.0), 1)},
            ]
        if f.impact_with is not None:
            return [alone % {"with": values["with"], "n": f.impact_n}]
        return []

    def text(self) -> str:
        return "\n".join(str(line) for line in self.lines())


def theme_evidence(*, touchpoint: Touchpoint, theme: Theme, scope: Scope) -> ThemeEvidence:
    """The theme's figures and quotes at the touchpoint over the scope's period (and channel): three queries
    (the totals, the theme's counts, the quotes). A ValidationError when the theme is not mentioned there."""
    narrowed = dataclasses.replace(scope, journey_id=touchpoint.journey_id, stage_id=None, touchpoint_id=touchpoint.pk)
    summary = theme_summary(narrowed, theme_ids=[theme.pk])
    if not summary.figures:
        raise ValidationError(
            {
                "theme": _("“%(theme)s” is not mentioned at “%(touchpoint)s” in this period.")
                % {"theme": theme.name, "touchpoint": touchpoint.name}
            }
        )
    quotes = theme_quotes(narrowed, theme.pk, limit=QUOTES)
    return ThemeEvidence(theme=theme, touchpoint=touchpoint, scope=narrowed, figure=summary.figures[0], quotes=quotes)


@transaction.atomic
def finding_from_theme(*, user: User | AnonymousUser, touchpoint: Touchpoint, theme: Theme, scope: Scope) -> Finding:
    """A pain point on the touchpoint (its stage), source "survey", carrying the theme's evidence; its severity
    from the points of NPS (else CSAT) the theme costs there (severity_for_cost). Those who may edit the journey's map only."""
    if not can_edit_journeys(user, touchpoint.journey):
        raise PermissionDenied(edit_refusal_reason(user, touchpoint.journey))
    evidence = theme_evidence(touchpoint=touchpoint, theme=theme, scope=scope)
    return finding_create(
        touchpoint=touchpoint,
        kind=FindingKind.PAIN_POINT,
        source=FindingSource.SURVEY,
        text=evidence.text(),
        severity=evidence.severity,
    )


def action_initial(
    *, user: User | AnonymousUser, touchpoint: Touchpoint, theme: Theme, scope: Scope
) -> dict[str, str | int]:
    """The prefilled fields of an improvement action against the theme at the touchpoint: the query string of
    the action form (teams:action-create takes ?touchpoint=, ?title= and ?description=). Those who may create
    actions only."""
    if not can_create_actions(user):
        raise PermissionDenied(NOT_AN_EDITOR)
    evidence = theme_evidence(touchpoint=touchpoint, theme=theme, scope=scope)
    title = _("Reduce “%(theme)s” at “%(touchpoint)s”") % {"theme": theme.name, "touchpoint": touchpoint.name}
    return {
        "touchpoint": touchpoint.pk,
        "title": Truncator(title).chars(TITLE_LENGTH),
        "description": evidence.text(),
    }

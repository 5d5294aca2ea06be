"""A pain point finding or an improvement action made from a theme on a touchpoint, with its evidence.

The evidence is what the theme analysis shows of the theme at that touchpoint in the period (the scope's
channel kept, its journey and stage following from the touchpoint): how many comments mention it and their
share, the NPS of those who mention it against the rest with the 95% margin of the difference, the points of
NPS it costs, the period as dates (a finding outlives "the last 12 months") and three quotes, redacted.
It is written in the language of the user who makes it, like anything they would type.

The finding's severity (1-5) follows from the points of NPS the theme costs at the touchpoint
(SEVERITY_BY_COST): 5 from 5 points, 4 from 3, 3 from 1.5, 2 from 0.5, else 1 (a theme that costs less, or
gains NPS, or has no NPS responses without it to compare with).
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
from metrics.models import Theme
from metrics.periods import CUSTOM, ReportPeriod
from teams.models import ImprovementAction
from teams.permissions import NOT_AN_EDITOR, can_create_actions

from .selectors import Quote, Scope, ThemeFigure, theme_quotes, theme_summary

# (lowest cost in points of NPS, severity), highest first.
SEVERITY_BY_COST: tuple[tuple[float, int], ...] = ((5.0, 5), (3.0, 4), (1.5, 3), (0.5, 2))
QUOTES = 3
QUOTE_LENGTH = 300
TITLE_LENGTH = ImprovementAction._meta.get_field("title").max_length or 200


def severity_for_cost(cost: float | None) -> int:
    for lowest, severity in SEVERITY_BY_COST:
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
        return severity_for_cost(self.figure.cost)

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
        if f.impact is not None:
            lines.append(
                _(
                    "- NPS %(with)s among those who mention it (n = %(n_with)s) against %(without)s among the others "
                    "(n = %(n_without)s): %(impact)s ± %(margin)s points%(low)s;"
                )
                % {
                    "with": floatformat(f.nps_with, 1),
                    "n_with": f.nps_n,
                    "without": floatformat(f.nps_without, 1),
                    "n_without": f.without_n,
                    "impact": floatformat(f.impact, 1),
                    "margin": floatformat(f.margin, 1),
                    "low": _(" (low sample)") if f.low_sample else "",
                }
            )
            lines.append(
                _("- it costs %(cost)s points of NPS (what the NPS would gain if they scored like the rest).")
                % {"cost": floatformat(f.cost, 1)}
                if f.cost is not None and f.cost >= 0
                else _("- it costs no NPS (those who mention it score %(gain)s points higher than the rest).")
                % {"gain": floatformat(-(f.cost or 0.0), 1)}
            )
        elif f.nps_with is not None:
            lines.append(
                _("- NPS %(with)s among those who mention it (n = %(n)s); no others to compare with.")
                % {"with": floatformat(f.nps_with, 1), "n": f.nps_n}
            )
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
    from the points of NPS the theme costs there (SEVERITY_BY_COST). Those who may edit the journey's map only."""
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

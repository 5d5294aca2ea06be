"""GET /api/v1/kpis/themes/: the theme figures of a scope and period (metrics.themes.selectors), as the theme
analysis page shows them: per theme its mentions, share, mentions by bucket, the NPS of the responses that
mention it against those that do not, the impact's 95% margin and the points of NPS it costs, the same for CSAT
(top-2-box, csat_*), and impact_metric: the metric the theme analysis shows the impact on (NPS when the scope has
NPS responses, else CSAT, else null; programmes often ask CSAT, not NPS, at touchpoints); with
group_by=touchpoint or month, the same per touchpoint or month, each against that touchpoint's or month's own
totals.

The parameters are those of kpis/summary/ (journey, stage, touchpoint by id or key, channel by slug, from, to);
without from and to, the last 12 months. Each error names its parameter (400). Everyone logged in may read.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics.api.summary import KpiSummaryQuerySerializer
from metrics.models import Metric
from metrics.periods import LATEST, preset_period
from metrics.themes.selectors import (
    BUCKETS,
    GROUP_BYS,
    Scope,
    ThemeBreakdownRow,
    ThemeFigure,
    impact_metric_of,
    scope_totals,
    theme_breakdown,
    theme_summary,
)

MAX_DAYS = 366 * 10
IMPACT_METRIC_CHOICES = (Metric.NPS.value, Metric.CSAT.value)


class ThemeKpiQuerySerializer(KpiSummaryQuerySerializer):
    """The summary's parameters without the journey group, grouped by theme (default), touchpoint or month."""

    group = None  # type: ignore[assignment]  # DRF: a declared field set to None is not inherited
    group_by = serializers.ChoiceField(
        choices=GROUP_BYS,
        required=False,
        help_text=gettext_lazy(
            "theme (default): one row per theme; touchpoint or month: one row per touchpoint or month and theme."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        first, last = attrs.get("from"), attrs.get("to")
        if last is None:
            today = timezone.localdate()
            last = today if first is None or first <= today else first
        if first is None:
            first = preset_period("12m", last).date_from
        if first > last:
            raise serializers.ValidationError({"from": [_("The first day must not come after the last day (to).")]})
        if (last - first).days >= MAX_DAYS or last > LATEST:
            raise serializers.ValidationError({"from": [_("Choose a period of at most ten years.")]})
        attrs["from"], attrs["to"] = first, last
        return attrs


class ThemeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    key = serializers.CharField()
    name = serializers.CharField(help_text=gettext_lazy("In the language of the request (Dutch or English)."))
    name_en = serializers.CharField()
    name_nl = serializers.CharField()
    colour = serializers.CharField(help_text=gettext_lazy("#RRGGBB"))
    sentiment = serializers.CharField(help_text=gettext_lazy("negative, neutral or positive"))


class BucketsSerializer(serializers.Serializer):
    detractors = serializers.IntegerField(help_text=gettext_lazy("Mentions by NPS detractors (0-6)."))
    passives = serializers.IntegerField(help_text=gettext_lazy("Mentions by NPS passives (7-8)."))
    promoters = serializers.IntegerField(help_text=gettext_lazy("Mentions by NPS promoters (9-10)."))
    csat_low = serializers.IntegerField(help_text=gettext_lazy("Mentions with CSAT 1-2."))
    csat_high = serializers.IntegerField(help_text=gettext_lazy("Mentions with CSAT 4-5."))
    ces_low = serializers.IntegerField(help_text=gettext_lazy("Mentions with CES 1-3."))
    ces_high = serializers.IntegerField(help_text=gettext_lazy("Mentions with CES 5-7."))


class ThemeKpiRowSerializer(serializers.Serializer):
    key = serializers.JSONField(
        allow_null=True,
        help_text=gettext_lazy(
            "The theme's id (group_by=theme), the touchpoint's id (null: responses about no touchpoint) or the "
            "month's first day (YYYY-MM-DD)."
        ),
    )
    # The metaclass takes declared fields off the class: this is the "label" key, not Field.label.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text=gettext_lazy("The theme's or touchpoint's name, or the month (YYYY-MM).")
    )
    theme = ThemeRefSerializer()
    mentions = serializers.IntegerField(help_text=gettext_lazy("Responses whose comment carries the theme."))
    share = serializers.FloatField(help_text=gettext_lazy("Share of the responses with a comment, in %."))
    buckets = BucketsSerializer()
    nps_n = serializers.IntegerField(help_text=gettext_lazy("NPS responses that mention the theme."))
    nps_without_n = serializers.IntegerField(help_text=gettext_lazy("NPS responses that do not."))
    nps_with = serializers.FloatField(allow_null=True)
    nps_without = serializers.FloatField(allow_null=True)
    impact = serializers.FloatField(allow_null=True, help_text=gettext_lazy("nps_with - nps_without."))
    margin = serializers.FloatField(allow_null=True, help_text=gettext_lazy("95% margin of the impact, in points."))
    cost = serializers.FloatField(
        allow_null=True,
        help_text=gettext_lazy("Points of NPS the theme costs: nps_without - the NPS of all; positive costs."),
    )
    low_sample = serializers.BooleanField(
        help_text=gettext_lazy("nps_n above 0 but below the minimum sample (no NPS mention: false).")
    )
    csat_n = serializers.IntegerField(help_text=gettext_lazy("CSAT responses that mention the theme."))
    csat_without_n = serializers.IntegerField(help_text=gettext_lazy("CSAT responses that do not."))
    csat_with = serializers.FloatField(
        allow_null=True,
        help_text=gettext_lazy("CSAT (the share scoring 4-5, in %) of the CSAT responses that mention it."),
    )
    csat_without = serializers.FloatField(allow_null=True, help_text=gettext_lazy("CSAT of the others."))
    csat_impact = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("csat_with - csat_without, in points.")
    )
    csat_margin = serializers.FloatField(
        allow_null=True,
        help_text=gettext_lazy("95% margin of csat_impact: 1.96 x 100 x sqrt(p1(1-p1)/n1 + p2(1-p2)/n2)."),
    )
    csat_cost = serializers.FloatField(
        allow_null=True,
        help_text=gettext_lazy("Points of CSAT the theme costs: csat_without - the CSAT of all; positive costs."),
    )
    csat_low_sample = serializers.BooleanField(help_text=gettext_lazy("csat_n above 0 but below the minimum sample."))
    impact_metric = serializers.ChoiceField(
        choices=IMPACT_METRIC_CHOICES,
        allow_null=True,
        help_text=gettext_lazy(
            "The metric the impact is shown on for this row's totals: nps when they have NPS responses, else csat "
            "when they have CSAT responses, else null. The analysis ranks by that metric's cost."
        ),
    )


class ThemeKpiSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    group_by = serializers.CharField()
    responses = serializers.IntegerField(help_text=gettext_lazy("Responses in scope."))
    commented = serializers.IntegerField(help_text=gettext_lazy("Of which with a comment."))
    nps_n = serializers.IntegerField()
    nps = serializers.FloatField(allow_null=True, help_text=gettext_lazy("The NPS of the scope."))
    csat_n = serializers.IntegerField()
    csat = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("The CSAT of the scope (the share scoring 4-5, in %).")
    )
    impact_metric = serializers.ChoiceField(
        choices=IMPACT_METRIC_CHOICES,
        allow_null=True,
        help_text=gettext_lazy(
            "The metric the theme impact is shown on in this scope: nps when it has NPS responses, else csat when it "
            "has CSAT responses, else null."
        ),
    )
    results = ThemeKpiRowSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("date_from")
        fields["to"] = fields.pop("date_to")
        return fields


def _row(key: int | str | None, label: str, figure: ThemeFigure) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "theme": figure.theme,
        "mentions": figure.mentions,
        "share": figure.share,
        "buckets": {name: figure.buckets.get(name, 0) for name in BUCKETS},
        "nps_n": figure.nps_n,
        "nps_without_n": figure.without_n,
        "nps_with": figure.nps_with,
        "nps_without": figure.nps_without,
        "impact": figure.nps_impact,
        "margin": figure.nps_margin,
        "cost": figure.nps_cost,
        "low_sample": figure.nps_low_sample,
        "csat_n": figure.csat_n,
        "csat_without_n": figure.csat_without_n,
        "csat_with": figure.csat_with,
        "csat_without": figure.csat_without,
        "csat_impact": figure.csat_impact,
        "csat_margin": figure.csat_margin,
        "csat_cost": figure.csat_cost,
        "csat_low_sample": figure.csat_low_sample,
        "impact_metric": figure.impact_metric,
    }


def _breakdown_row(row: ThemeBreakdownRow) -> dict[str, Any]:
    key = row.key.isoformat() if isinstance(row.key, datetime.date) else row.key
    return _row(key, row.label, row.figure)


class ThemeKpiView(APIView):
    """The themes of the comments in a scope and period, with their NPS impact and its 95% margin, ranked by the
    points of NPS they cost; or per touchpoint or month."""

    @extend_schema(parameters=[ThemeKpiQuerySerializer], responses=ThemeKpiSerializer)
    def get(self, request: Request) -> Response:
        # An empty parameter (?journey=) means "any", as in the other KPI endpoints.
        query = ThemeKpiQuerySerializer(data={k: v for k, v in request.query_params.dict().items() if v.strip()})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        journey, stage, touchpoint = params.get("journey"), params.get("stage"), params.get("touchpoint")
        channel = params.get("channel")
        scope = Scope(
            day_from=params["from"],
            day_to=params["to"],
            journey_id=journey.pk if journey else None,
            stage_id=stage.pk if stage else None,
            touchpoint_id=touchpoint.pk if touchpoint else None,
            channel_id=channel.pk if channel else None,
        )
        group_by = params.get("group_by") or "theme"
        if group_by == "theme":
            summary = theme_summary(scope)
            totals = {
                "responses": summary.responses,
                "commented": summary.commented,
                "nps_n": summary.nps_n,
                "csat_n": summary.csat_n,
                "csat": summary.csat,
                "impact_metric": summary.impact_metric,
            }
            nps = summary.nps
            results = [_row(f.theme.pk, f.theme.name, f) for f in summary.figures]
        else:
            counts = scope_totals(scope)
            totals = {key: counts[key] for key in ("responses", "commented", "nps_n", "csat_n")}
            nps = (
                None
                if not counts["nps_n"]
                else round(100 * (counts["promoters"] - counts["detractors"]) / counts["nps_n"] + 0.0, 1)
            )
            totals["csat"] = None if not counts["csat_n"] else round(100 * counts["csat_high"] / counts["csat_n"], 1)
            totals["impact_metric"] = impact_metric_of(counts)
            results = [_breakdown_row(row) for row in theme_breakdown(scope, group_by)]
        body = {
            "from": scope.day_from,
            "to": scope.day_to,
            "group_by": group_by,
            **totals,
            "nps": nps,
            "results": results,
        }
        return Response(ThemeKpiSerializer(body).data)

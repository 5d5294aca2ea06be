"""A small organisation with responses whose figures the recompute and summary tests work out by hand.

Two groups, two journeys, three stages, four touchpoints, two channels; responses of all three metrics on
days chosen for the period edges: one just after local midnight on 1 April 2024 (22:30 UTC on 31 March, CEST),
and a week (Monday 29 April to Sunday 5 May 2024) that spans April and May.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from journeys.models import Channel, Journey, JourneyGroup, Stage, Touchpoint
from metrics.formulas import Counts
from metrics.models import METRIC_BUCKETS, KpiSnapshot, SurveyResponse
from tests.journeys.factories import (
    ChannelFactory,
    JourneyFactory,
    JourneyGroupFactory,
    StageFactory,
    TouchpointFactory,
)
from tests.metrics.factories import SurveyResponseFactory

JUST_AFTER_LOCAL_MIDNIGHT = datetime(2024, 3, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 April in Amsterdam


@dataclass
class Org:
    becoming: JourneyGroup
    staying: JourneyGroup
    open_account: Journey
    complaint: Journey
    orientation: Stage
    signing: Stage
    reporting: Stage
    website: Touchpoint
    call: Touchpoint
    contract: Touchpoint
    form: Touchpoint
    web: Channel
    phone: Channel


def build_org() -> Org:
    becoming = JourneyGroupFactory(slug="becoming", name="Becoming a customer")
    staying = JourneyGroupFactory(slug="staying", name="Staying a customer")
    open_account = JourneyFactory(name="Open an account", group=becoming)
    complaint = JourneyFactory(name="Make a complaint", group=staying)
    web = ChannelFactory(slug="web")
    phone = ChannelFactory(slug="phone")
    orientation = StageFactory(journey=open_account, name="Orientation")
    signing = StageFactory(journey=open_account, name="Signing")
    reporting = StageFactory(journey=complaint, name="Reporting")
    return Org(
        becoming=becoming,
        staying=staying,
        open_account=open_account,
        complaint=complaint,
        orientation=orientation,
        signing=signing,
        reporting=reporting,
        website=TouchpointFactory(stage=orientation, name="Website", channel=web),
        call=TouchpointFactory(stage=orientation, name="Call", channel=phone),
        contract=TouchpointFactory(stage=signing, name="Contract", channel=web),
        form=TouchpointFactory(stage=reporting, name="Form", channel=web),
        web=web,
        phone=phone,
    )


def at(day: date, hour: int = 12) -> datetime:
    """Noon UTC: the same local day in Amsterdam."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def add_responses(org: Org) -> list[SurveyResponse]:
    """Responses spread over the scopes and the period edges (every metric, with and without touchpoint or
    channel)."""
    made = [SurveyResponseFactory(journey=org.open_account, score=9, responded_at=JUST_AFTER_LOCAL_MIDNIGHT)]
    specs = [
        # (journey, touchpoint, channel, metric, scores, day)
        (org.open_account, org.website, org.web, "nps", [10, 9, 7, 3, 0], date(2024, 3, 31)),
        (org.open_account, org.website, org.web, "nps", [8, 6], date(2024, 4, 1)),
        (org.open_account, org.call, org.phone, "csat", [5, 4, 3, 2, 1], date(2024, 4, 30)),
        (org.open_account, org.call, org.phone, "ces", [7, 5, 4, 3, 1], date(2024, 5, 2)),
        (org.open_account, org.contract, None, "nps", [9, 9, 2], date(2024, 5, 5)),
        (org.open_account, None, org.web, "nps", [10, 1], date(2024, 5, 6)),
        (org.open_account, None, None, "csat", [4], date(2024, 4, 29)),
        (org.complaint, org.form, org.web, "nps", [9, 8, 0], date(2024, 4, 30)),
        (org.complaint, org.form, org.phone, "ces", [6, 2], date(2024, 5, 1)),
        (org.complaint, None, org.phone, "csat", [5, 2], date(2024, 6, 15)),
    ]
    for journey, touchpoint, channel, metric, scores, day in specs:
        for i, score in enumerate(scores):
            made.append(
                SurveyResponseFactory(
                    journey=journey,
                    touchpoint=touchpoint,
                    channel=channel,
                    metric=metric,
                    score=score,
                    responded_at=at(day) + timedelta(minutes=i),
                )
            )
    return made


def scopes(org: Org) -> dict[str, tuple[dict, dict]]:
    """name: (filter on responses, filter on snapshot cells) of every scope the dashboards ask for."""
    stage_touchpoints = list(org.orientation.touchpoints.values_list("id", flat=True))
    return {
        "organisation": ({}, {}),
        "group": ({"journey__group": org.becoming}, {"journey__group": org.becoming}),
        "journey": ({"journey": org.complaint}, {"journey": org.complaint}),
        "stage": ({"touchpoint__stage": org.orientation}, {"touchpoint_id__in": stage_touchpoints}),
        "touchpoint": ({"touchpoint": org.call}, {"touchpoint_id": org.call.pk}),
        "channel": ({"channel": org.phone}, {"channel_id": org.phone.pk}),
    }


def starts(day: date) -> dict[str, date]:
    """The day, week (Monday) and month (1st) a local date falls in, worked out here independently."""
    return {"day": day, "week": day - timedelta(days=day.weekday()), "month": date(day.year, day.month, 1)}


def expected_from_responses(responses_filter: dict) -> dict[tuple[str, date, str], Counts]:
    """(period, period_start, metric): counts, added up response by response (the test's own arithmetic)."""
    result: dict[tuple[str, date, str], Counts] = defaultdict(Counts)
    for r in SurveyResponse.objects.filter(**responses_filter):
        low, high = METRIC_BUCKETS[r.metric]
        one = Counts(n=1, low=int(r.score <= low), high=int(r.score >= high), total=r.score, total_sq=r.score**2)
        for period, start in starts(r.day).items():
            result[(period, start, r.metric)] += one
    return dict(result)


def snapshot_sums(cells_filter: dict) -> dict[tuple[str, date, str], Counts]:
    """(period, period_start, metric): the snapshot cells of a scope, summed as the summary sums them."""
    result: dict[tuple[str, date, str], Counts] = defaultdict(Counts)
    for cell in KpiSnapshot.objects.filter(**cells_filter):
        result[(cell.period, cell.period_start, cell.metric)] += Counts(
            cell.n, cell.low, cell.high, cell.total, cell.total_sq
        )
    return dict(result)


def cell_values() -> set[tuple]:
    """Every cell with its figures, without id and computed_at: two runs with equal sets agree."""
    return set(
        KpiSnapshot.objects.values_list(
            "period", "period_start", "journey_id", "touchpoint_id", "channel_id", "metric", "n", "low", "high",
            "total", "total_sq",
        )
    )  # fmt: skip

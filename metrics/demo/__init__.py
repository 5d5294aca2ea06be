"""The demo organisation's voice of the customer (bulk inserts, idempotent): a year of survey responses (see
responses.py), the KPI snapshots computed from them, follow-up cases for the recent detractors, custom KPIs
with targets and monthly measurements, business cases on demo improvement actions, the NPS, CSAT and CES
targets of the organisation, two journeys and three touchpoints, and the starter codebook of themes with every
comment tagged."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from journeys.demo_dutch import NL, demo_text, english_of
from journeys.models import Channel, JourneyState, Touchpoint
from metrics.models import (
    BusinessCase,
    BusinessCaseGain,
    CaseStatus,
    CustomKpi,
    Direction,
    FollowUpCase,
    GainType,
    KpiKind,
    KpiMeasurement,
    Metric,
    MetricTarget,
    SurveyResponse,
    Verbatim,
)
from metrics.services.followups import followup_due_date, followups_open_for
from metrics.services.recompute import snapshots_rebuild_all
from metrics.themes.starter import load_starter_codebook
from metrics.themes.tagging import retag_request, tag_pending
from teams.models import ActionStatus, ActionTransition, ImprovementAction

from .responses import IMPROVED, IMPROVED_DAYS_AGO, SEED, SOURCE, current_journeys, seed_responses

TAG_BATCH = 100_000  # the demo's 17,000 comments tagged in one batch: a bounded number of queries
FOLLOWUP_DAYS = 21  # the demo's detractors of the last three weeks get a follow-up case
OUTCOMES = [
    "Called back, explained the next steps; the customer is satisfied.",
    "Teruggebeld, excuses gemaakt en de schade alsnog snel afgehandeld.",
    "Called back; the waiting time was the issue. Passed on to the action on the claim line.",
    "Klant gebeld, ontbrekende documenten samen doorgenomen.",
    "No answer twice; sent an email with a direct number.",
]

# name, kind, unit, direction, target, owner, (journey, touchpoint) or None, channel slug, first, last value
KPIS = [
    ("Customer retention", KpiKind.CUSTOMER, "%", Direction.HIGHER, "92", "manager", None, "", "89.4", "91.1"),
    ("Customer lifetime value", KpiKind.CUSTOMER, "€", Direction.HIGHER, "2400", "manager", None, "", "2210", "2460"),
    ("Number of customers", KpiKind.CUSTOMER, "customers", Direction.HIGHER, "250000", "manager", None, "",
     "228000", "236500"),
    ("Online claim conversion", KpiKind.TOUCHPOINT, "%", Direction.HIGHER, "70", "owner",
     ("Report a claim", "Claim form in the app"), "app", "56", "73"),
    ("Online application conversion", KpiKind.TOUCHPOINT, "%", Direction.HIGHER, "75", "sanne",
     ("Open an account", "Online application form"), "web", "61", "64.5"),
    ("Average handling time claims", KpiKind.CUSTOMER, "minutes", Direction.LOWER, "12", "daan",
     ("Report a claim", None), "", "15.8", "12.5"),
]  # fmt: skip

# action title: investment, {gain: (expected, realised or None)}; gains add up to the action's expected gains.
BUSINESS_CASES = {
    "Save claim drafts and keep the photos": (
        15_000,
        {GainType.SELF_SERVICE: (30_000, 34_500), GainType.FEWER_COMPLAINTS: (15_000, 12_000),
         GainType.RETENTION: (15_000, 18_000)},
    ),
    "Explain a rejection in plain words, and call": (
        5_000, {GainType.FEWER_COMPLAINTS: (25_000, 19_000), GainType.RETENTION: (15_000, 11_000)},
    ),
    "Explain the premium increase in the renewal letter": (
        4_000, {GainType.RETENTION: (50_000, 42_000), GainType.FEWER_COMPLAINTS: (10_000, 9_500)},
    ),
    "Call back every detractor within two working days": (
        12_000, {GainType.RETENTION: (20_000, 9_000), GainType.REFERRALS: (10_000, 2_000)},
    ),
    "Automated acceptance for standard risks": (
        90_000, {GainType.SELF_SERVICE: (150_000, None), GainType.CROSS_SELL: (100_000, None)},
    ),
    "Let service agents offer a retention discount": (
        30_000, {GainType.RETENTION: (80_000, None), GainType.FEWER_COMPLAINTS: (30_000, None)},
    ),
}  # fmt: skip


# metric, journey or None, touchpoint or None, target. The organisation's targets, and a few scopes of their own
# that tell a story on the dashboard and the map (figures over the last 12 months):
# - new customers should be the most enthusiastic: "Open an account" aims higher (NPS about +17; recently +25);
# - claims are a hard moment, so "Report a claim" has a lower CSAT bar than the organisation's 80% (about 73%);
# - the claim line and the extra-documents letter have targets they miss by far (CSAT about 42% and 47%);
# - payment, a moment of truth, is held to a higher bar, and meets it (CSAT about 87%; the bar leaves room for
#   the spread of a year's sample, so that the demo tells the same story every day).
TARGETS = [
    (Metric.NPS, None, None, "20"),
    (Metric.CSAT, None, None, "80"),
    (Metric.CES, None, None, "5.0"),
    (Metric.NPS, "Open an account", None, "25"),
    (Metric.CSAT, "Report a claim", None, "75"),
    (Metric.CSAT, "Report a claim", "Claim by phone", "70"),
    (Metric.CSAT, "Report a claim", "Request for extra documents", "65"),
    (Metric.CSAT, "Report a claim", "Payment", "83"),
]


def seed_metrics(*, people: dict) -> None:
    """After the journeys and the actions exist. Each part is skipped when its rows are there already."""
    seed_business_cases()
    if seed_responses():
        snapshots_rebuild_all()
        since = timezone.localdate() - datetime.timedelta(days=FOLLOWUP_DAYS)
        followups_open_for(responses=SurveyResponse.objects.filter(source=SOURCE, day__gte=since))
        seed_followup_history()
    seed_themes()
    seed_kpis(people=people)
    seed_targets(people=people)


def seed_themes() -> None:
    """The starter codebook's themes that are missing (by key), and every comment not yet tagged with the current
    codebook tagged now, in this transaction (not by a worker): the demo's theme pages have their figures at
    once. Comments tagged before with an older codebook of the installation are tagged again."""
    if load_starter_codebook() and Verbatim.objects.exists():
        retag_request()  # the installation's comments were tagged without these themes
    tag_pending(batch=TAG_BATCH)


def seed_business_cases() -> None:
    """Business cases for the demo actions that have none. The action behind the improved touchpoint is moved
    back in time when its case is created, so that its before/after window lies in the demo's data."""
    actions = {
        english_of(a.title): a
        for a in ImprovementAction.objects.filter(
            journey__in=current_journeys().values(),
            title__in=[demo_text(title) for title in BUSINESS_CASES],
            business_case=None,
        )
    }
    if not actions:
        return
    cases = BusinessCase.objects.bulk_create(
        [BusinessCase(action=action, investment=Decimal(BUSINESS_CASES[title][0])) for title, action in actions.items()]
    )
    BusinessCaseGain.objects.bulk_create(
        [
            BusinessCaseGain(case=case, type=gain, expected=Decimal(expected), realised=_decimal(realised))
            for case in cases
            for gain, (expected, realised) in BUSINESS_CASES[english_of(case.action.title)][1].items()
        ]
    )
    improved = actions.get(IMPROVED[2])
    if improved is not None and improved.status == ActionStatus.DONE:
        _backdate(improved, timezone.now() - datetime.timedelta(days=IMPROVED_DAYS_AGO))


def _decimal(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _backdate(action: ImprovementAction, done_at: datetime.datetime) -> None:
    """Date the action's moves three weeks apart, the last one (to done) at `done_at`."""
    transitions = list(action.transitions.all())
    for weeks_before, transition in enumerate(reversed(transitions)):
        transition.at = done_at - datetime.timedelta(weeks=3 * weeks_before)
    ActionTransition.objects.bulk_update(transitions, ["at"])
    ImprovementAction.objects.filter(pk=action.pk).update(due_date=timezone.localtime(done_at).date())


def seed_followup_history() -> None:
    """Make the demo inbox look lived-in: the cases are dated from their response, the older ones have been
    called back (most resolved, with an outcome, some tied to the open action on their touchpoint), a few
    were forgotten and are overdue, the last few days' are open."""
    rng = random.Random(SEED + 1)
    today = timezone.localdate()
    open_actions = dict(
        ImprovementAction.objects.filter(
            journey__state=JourneyState.CURRENT, status__in=(ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
        )
        .order_by("-id")
        .values_list("touchpoint_id", "id")
    )
    now = timezone.now()
    cases = list(FollowUpCase.objects.filter(response__source=SOURCE).select_related("response").order_by("id"))
    for i, case in enumerate(cases):
        opened = case.response.responded_at + datetime.timedelta(minutes=20)
        case.opened_at = opened
        case.due_date = followup_due_date(timezone.localtime(opened).date())
        age = (today - case.response.day).days
        draw = rng.random()
        # Older than a week: all called back but every tenth, forgotten (overdue in the morning email).
        called = (age > 7 and i % 10) or (age > 3 and draw < 0.6) or (age > 1 and draw < 0.2)
        if not called:
            continue
        case.status = CaseStatus.CONTACTED
        case.contacted_at = min(opened + datetime.timedelta(hours=rng.randint(3, 40)), now)
        if age > 4 and draw < 0.85:
            case.status = CaseStatus.RESOLVED
            case.resolved_at = min(case.contacted_at + datetime.timedelta(hours=rng.randint(1, 48)), now)
            outcome = rng.choice(OUTCOMES)
            case.outcome = demo_text(outcome) if outcome in NL else outcome
        if rng.random() < 0.3:  # the outer loop: the cause is one the open action on the touchpoint tackles
            case.action_id = open_actions.get(case.touchpoint_id)
    fields = ["opened_at", "due_date", "status", "contacted_at", "resolved_at", "outcome", "action"]
    FollowUpCase.objects.bulk_update(cases, fields, batch_size=500)


def _month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of the `count` whole months before this one, oldest first."""
    starts, month = [], today.replace(day=1)
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        starts.append(month)
    return starts[::-1]


def seed_kpis(*, people: dict) -> None:
    """The demo's custom KPIs that do not exist yet (by name), each with twelve monthly measurements moving from
    its first to its last value, so that the latest statuses differ: on track, at risk, off track."""
    names = [demo_text(spec[0]) for spec in KPIS]
    existing = set(CustomKpi.objects.filter(name__in=names).values_list("name", flat=True))
    specs = [spec for spec in KPIS if demo_text(spec[0]) not in existing]
    if not specs:
        return
    journeys = current_journeys()
    rows = Touchpoint.objects.filter(journey__in=journeys.values()).values_list("journey_id", "name", "id")
    touchpoints = {(journey_id, english_of(name)): pk for journey_id, name, pk in rows}
    channels = dict(Channel.objects.values_list("slug", "id"))
    kpis = []
    for name, kind, unit, direction, target, owner, scope, channel, _first, _last in specs:
        journey = journeys.get(scope[0]) if scope else None
        kpis.append(
            CustomKpi(
                name=demo_text(name),
                kind=kind,
                unit=demo_text(unit),
                direction=direction,
                target=Decimal(target),
                owner=people.get(owner),
                journey=journey,
                touchpoint_id=touchpoints.get((journey.pk, scope[1])) if journey and scope[1] else None,
                channel_id=channels.get(channel),
            )
        )
    CustomKpi.objects.bulk_create(kpis)
    rng = random.Random(SEED + 2)
    months = _month_starts(timezone.localdate(), 12)
    measurements = []
    for kpi, spec in zip(kpis, specs, strict=True):
        first, last = Decimal(spec[8]), Decimal(spec[9])
        step = (last - first) / (len(months) - 1)
        for i, month in enumerate(months):
            # A wobble around the trend line; the latest value is exactly the one that sets the status.
            wobble = Decimal(0) if i == len(months) - 1 else step * Decimal(rng.uniform(-0.8, 0.8))
            value = (first + step * i + wobble).quantize(last)
            measurements.append(KpiMeasurement(kpi=kpi, period_start=month, value=value))
    KpiMeasurement.objects.bulk_create(measurements)


def seed_targets(*, people: dict) -> None:
    """The demo's NPS, CSAT and CES targets (TARGETS) whose scope has none yet, set by the demo manager."""
    journeys = current_journeys()
    rows = Touchpoint.objects.filter(journey__in=journeys.values()).values_list("journey_id", "name", "id")
    touchpoints = {(journey_id, english_of(name)): pk for journey_id, name, pk in rows}
    existing = set(MetricTarget.objects.values_list("metric", "journey_id", "touchpoint_id"))
    targets = []
    for metric, journey_name, touchpoint_name, value in TARGETS:
        journey = journeys.get(journey_name) if journey_name else None
        if journey_name and journey is None:
            continue  # that demo journey is not there
        touchpoint_id = touchpoints.get((journey.pk, touchpoint_name)) if journey and touchpoint_name else None
        if touchpoint_name and touchpoint_id is None:
            continue
        scope = (metric.value, journey.pk if journey else None, touchpoint_id)
        if scope in existing:
            continue
        targets.append(
            MetricTarget(
                metric=metric,
                journey=journey,
                touchpoint_id=touchpoint_id,
                value=Decimal(value),
                updated_by=people.get("manager"),
            )
        )
    MetricTarget.objects.bulk_create(targets)

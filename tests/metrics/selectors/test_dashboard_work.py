"""The dashboard's custom KPIs, improvement work and inner loop (metrics.selectors.dashboard_work): each figure
against hand-built data, the scope filters, the period, and a query count that does not grow with the data."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection

from metrics.models import BusinessCaseGain, CaseStatus, FollowUpCase, GainType, KpiSnapshot, Metric, Period
from metrics.selectors.business_cases import action_effect
from metrics.selectors.dashboard_work import custom_kpi_overview, improvement_work, inner_loop
from teams.models import ActionStatus, ActionTransition, ImprovementAction
from tests.journeys.factories import ChannelFactory, JourneyFactory, JourneyGroupFactory, TouchpointFactory
from tests.metrics.factories import BusinessCaseFactory, CustomKpiFactory, KpiMeasurementFactory, SurveyResponseFactory
from tests.teams.factories import ActionFactory

pytestmark = pytest.mark.django_db
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
TODAY = datetime.date(2025, 6, 15)
MID_MAY = datetime.date(2025, 5, 15)
MAY = {"date_from": datetime.date(2025, 5, 1), "date_to": datetime.date(2025, 5, 31)}


def day(month: int, d: int) -> datetime.date:
    return datetime.date(2025, month, d)


def at(month: int, d: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, month, d, hour, minute, tzinfo=AMSTERDAM)


class World:
    """Two journey groups; journeys "Open an account" and "Move house" in the first, "Report a claim" in the
    second; touchpoints on the web and in the app."""

    def __init__(self):
        self.web = ChannelFactory(slug="web")
        self.app = ChannelFactory(slug="app")
        self.becoming, self.being = JourneyGroupFactory(name="Becoming"), JourneyGroupFactory(name="Being")
        self.account = JourneyFactory(name="Open an account", group=self.becoming)
        self.move = JourneyFactory(name="Move house", group=self.becoming)
        self.claim = JourneyFactory(name="Report a claim", group=self.being)
        self.account_web = TouchpointFactory(name="Sign-up form", stage__journey=self.account, channel=self.web)
        self.account_app = TouchpointFactory(name="App onboarding", stage__journey=self.account, channel=self.app)
        self.move_web = TouchpointFactory(name="Address change", stage__journey=self.move, channel=self.web)
        self.claim_web = TouchpointFactory(name="Claim form", stage__journey=self.claim, channel=self.web)


@pytest.fixture
def world():
    return World()


# Custom KPIs


def kpi_names(**scope) -> list[str]:
    return [row["name"] for row in custom_kpi_overview(**scope)["rows"]]


def test_each_custom_kpi_shows_its_latest_value_and_status_and_the_statuses_are_counted(django_assert_num_queries):
    on_track = CustomKpiFactory(name="Retention", unit="%", target=Decimal("90"))
    KpiMeasurementFactory(kpi=on_track, period_start=day(4, 1), value=Decimal("80"))
    KpiMeasurementFactory(kpi=on_track, period_start=day(5, 1), value=Decimal("91"))  # the latest counts
    at_risk = CustomKpiFactory(name="Customers", unit="customers", target=Decimal("1000"))
    KpiMeasurementFactory(kpi=at_risk, period_start=day(5, 1), value=Decimal("960"))  # within 5%
    off_track = CustomKpiFactory(name="Complaints", unit="#", direction="lower", target=Decimal("10"))
    KpiMeasurementFactory(kpi=off_track, period_start=day(5, 1), value=Decimal("20"))
    CustomKpiFactory(name="Lifetime value", unit="€")

    with django_assert_num_queries(1):  # the KPIs with their latest measurement and status
        overview = custom_kpi_overview()

    rows = {row["name"]: row for row in overview["rows"]}
    assert list(rows) == ["Complaints", "Customers", "Lifetime value", "Retention"]
    retention = rows["Retention"]
    assert (retention["unit"], retention["direction"], retention["direction_label"]) == (
        "%",
        "higher",
        "Higher is better",
    )
    assert (retention["target"], retention["latest_value"], retention["latest_period"]) == (
        Decimal("90"),
        Decimal("91"),
        day(5, 1),
    )
    assert (retention["status"], retention["status_label"]) == ("on_track", "On track")
    assert rows["Customers"]["status"] == "at_risk"
    assert (rows["Complaints"]["status"], rows["Complaints"]["direction"]) == ("off_track", "lower")
    assert (rows["Lifetime value"]["status"], rows["Lifetime value"]["latest_value"]) == ("no_data", None)
    assert [(s["status"], s["count"]) for s in overview["by_status"]] == [
        ("on_track", 1),
        ("at_risk", 1),
        ("off_track", 1),
        ("no_data", 1),
    ]
    assert overview["total"] == 4


def test_custom_kpis_follow_the_group_and_journey_and_organisation_wide_ones_stay(world):
    CustomKpiFactory(name="Retention")  # organisation-wide
    CustomKpiFactory(name="Accounts opened", journey=world.account)
    CustomKpiFactory(name="Moves handled", journey=world.move)
    CustomKpiFactory(name="Claims paid", journey=world.claim)

    assert kpi_names() == ["Accounts opened", "Claims paid", "Moves handled", "Retention"]
    assert kpi_names(group_id=world.becoming.pk) == ["Accounts opened", "Moves handled", "Retention"]
    assert kpi_names(group_id=world.being.pk) == ["Claims paid", "Retention"]
    assert kpi_names(journey_id=world.move.pk) == ["Moves handled", "Retention"]
    assert kpi_names(group_id=world.being.pk, journey_id=world.move.pk) == ["Retention"]


def test_custom_kpis_follow_their_own_channel_or_their_touchpoints(world):
    CustomKpiFactory(name="Retention")  # organisation-wide, no channel: always shown
    CustomKpiFactory(name="Web conversion", channel=world.web)
    CustomKpiFactory(name="App conversion", channel=world.app)
    CustomKpiFactory(name="Sign-up completion", journey=world.account, touchpoint=world.account_web)
    CustomKpiFactory(name="Onboarding completion", journey=world.account, touchpoint=world.account_app)
    CustomKpiFactory(name="Accounts opened", journey=world.account)  # no channel: not a channel's KPI

    web = kpi_names(channel_id=world.web.pk)
    assert web == ["Retention", "Sign-up completion", "Web conversion"]
    assert kpi_names(channel_id=world.app.pk) == ["App conversion", "Onboarding completion", "Retention"]
    row = next(r for r in custom_kpi_overview(channel_id=world.web.pk)["rows"] if r["name"] == "Sign-up completion")
    assert (row["channel"], row["journey"], row["touchpoint"]) == ("Web", "Open an account", "Sign-up form")


def test_the_custom_kpi_query_count_does_not_grow_with_the_kpis(world, django_assert_num_queries):
    def make(count: int):
        for i in range(count):
            kpi = CustomKpiFactory(journey=world.account, touchpoint=world.account_web, owner=None)
            KpiMeasurementFactory(kpi=kpi, value=Decimal(90 + i % 20))

    make(2)
    with django_assert_num_queries(1):
        assert custom_kpi_overview(journey_id=world.account.pk, channel_id=world.web.pk)["total"] == 2
    make(60)
    with django_assert_num_queries(1):
        assert custom_kpi_overview(journey_id=world.account.pk, channel_id=world.web.pk)["total"] == 62


# Improvement work: actions by status


def action(journey, status=ActionStatus.PROPOSED, touchpoint=None, due=None, **kw):
    return ActionFactory(journey=journey, touchpoint=touchpoint, status=status, due_date=due, **kw)


def work(**kw):
    return improvement_work(**{**MAY, "today": TODAY, **kw})


def statuses(result) -> dict[str, int]:
    return {row["status"]: row["count"] for row in result["actions"]["by_status"]}


def test_actions_are_counted_per_status_with_zeros_and_the_overdue_ones(world):
    action(world.account, ActionStatus.PROPOSED, due=day(6, 14))  # overdue: open, due yesterday
    action(world.account, ActionStatus.PLANNED, due=day(6, 15))  # due today: not overdue yet
    action(world.account, ActionStatus.IN_PROGRESS, due=day(1, 1))  # overdue
    action(world.account, ActionStatus.IN_PROGRESS)  # no due date
    action(world.account, ActionStatus.DONE, due=day(1, 1))  # done: never overdue
    action(world.account, ActionStatus.DONE, due=day(1, 1))

    actions = work()["actions"]

    assert [(r["status"], r["label"], r["count"]) for r in actions["by_status"]] == [
        ("proposed", "Proposed", 1),
        ("planned", "Planned", 1),
        ("in_progress", "In progress", 2),
        ("done", "Done", 2),
        ("dropped", "Dropped", 0),
    ]
    assert [r["overdue"] for r in actions["by_status"]] == [1, 0, 1, 0, 0]
    assert (actions["total"], actions["overdue"]) == (6, 2)
    # A day later the planned action is overdue too; the period does not limit the actions.
    later = work(today=day(6, 16), date_from=day(1, 1), date_to=day(1, 2))["actions"]
    assert (later["total"], later["overdue"]) == (6, 3)


def test_actions_follow_the_group_the_journey_and_the_touchpoints_channel(world):
    action(world.account, touchpoint=world.account_web)
    action(world.account, ActionStatus.PLANNED, touchpoint=world.account_app)
    action(world.account, ActionStatus.PLANNED)  # no touchpoint: drops out when a channel is chosen
    action(world.move, ActionStatus.DONE, touchpoint=world.move_web)
    action(world.claim, ActionStatus.DROPPED, touchpoint=world.claim_web)

    assert sum(statuses(work()).values()) == 5
    assert statuses(work(group_id=world.becoming.pk)) == {
        "proposed": 1,
        "planned": 2,
        "in_progress": 0,
        "done": 1,
        "dropped": 0,
    }
    assert statuses(work(journey_id=world.account.pk))["planned"] == 2
    assert statuses(work(journey_id=world.account.pk))["done"] == 0
    web = statuses(work(channel_id=world.web.pk))
    assert (web["proposed"], web["planned"], web["done"], web["dropped"]) == (1, 0, 1, 1)
    assert statuses(work(group_id=world.being.pk, channel_id=world.app.pk)) == dict.fromkeys(ActionStatus.values, 0)


# Improvement work: business cases


def business_case(action, investment: str, **gains):
    case = BusinessCaseFactory(action=action, investment=Decimal(investment))
    for gain_type, (expected, realised) in gains.items():
        BusinessCaseGain.objects.create(
            case=case,
            type=gain_type,
            expected=Decimal(expected),
            realised=None if realised is None else Decimal(realised),
        )
    return case


def test_business_cases_show_expected_and_realised_roi_and_their_totals(world):
    """Better letters: 10,000 in, 25,000 expected (150.0%), 8,000 realised (-20.0%). Faster sign-up: 5,000 in,
    6,000 expected (20.0%), nothing realised yet. Totals: 15,000 in, 31,000 expected: (31 - 15) / 15 = 106.7%;
    realised only over the case that has a realised amount: (8,000 - 10,000) / 10,000 = -20.0%."""
    letters = action(world.account, ActionStatus.DONE, title="Better letters")
    business_case(
        letters,
        "10000",
        **{GainType.REFERRALS: ("15000", None), GainType.CROSS_SELL: ("10000", "8000")},
    )
    signup = action(world.account, ActionStatus.PLANNED, title="Faster sign-up", touchpoint=world.account_web)
    business_case(signup, "5000", **{GainType.SELF_SERVICE: ("6000", None)})

    cases = work()["business_cases"]

    rows = cases["rows"]
    assert [row["title"] for row in rows] == ["Better letters", "Faster sign-up"]
    first, second = rows
    assert (first["action_id"], first["investment"], first["expected_gains"], first["realised_gains"]) == (
        letters.pk,
        Decimal("10000"),
        Decimal("25000"),
        Decimal("8000"),
    )
    assert (first["expected_roi"], first["realised_roi"]) == (Decimal("150.0"), Decimal("-20.0"))
    assert (first["action_status_label"], first["touchpoint"]) == ("Done", None)
    assert (second["expected_roi"], second["realised_gains"], second["realised_roi"]) == (Decimal("20.0"), None, None)
    assert second["touchpoint"] == "Sign-up form"
    assert cases["totals"] == {
        "cases": 2,
        "investment": Decimal("15000"),
        "expected_gains": Decimal("31000"),
        "expected_roi": Decimal("106.7"),
        "cases_realised": 1,
        "realised_investment": Decimal("10000"),
        "realised_gains": Decimal("8000"),
        "realised_roi": Decimal("-20.0"),
    }


def test_business_cases_follow_the_scope_and_without_realised_gains_the_total_has_none(world):
    business_case(action(world.account, title="A", touchpoint=world.account_app), "100", retention=("300", None))
    business_case(action(world.move, title="B", touchpoint=world.move_web), "100", retention=("200", "50"))
    business_case(action(world.claim, title="C", touchpoint=world.claim_web), "100", retention=("100", None))

    def titles(**scope):
        return [row["title"] for row in work(**scope)["business_cases"]["rows"]]

    assert titles() == ["A", "B", "C"]
    assert titles(group_id=world.becoming.pk) == ["A", "B"]
    assert titles(journey_id=world.claim.pk) == ["C"]
    assert titles(channel_id=world.web.pk) == ["B", "C"]
    totals = work(channel_id=world.app.pk)["business_cases"]["totals"]
    assert (totals["expected_roi"], totals["realised_gains"], totals["realised_roi"]) == (Decimal("200.0"), None, None)


# Improvement work: the before/after effect of finished actions


def finish(action, moment: datetime.datetime):
    """Record that `action` (already in status done) was moved to done at `moment`."""
    move = ActionTransition.objects.create(
        action=action, from_status=ActionStatus.IN_PROGRESS, to_status=ActionStatus.DONE
    )
    ActionTransition.objects.filter(pk=move.pk).update(at=moment)
    return action


def done_action(touchpoint, moment: datetime.datetime, **kw):
    return finish(action(touchpoint.journey, ActionStatus.DONE, touchpoint=touchpoint, **kw), moment)


def cell(touchpoint, on: datetime.date, metric: str, n: int, low: int, high: int, total=0, total_sq=0, **kw):
    return KpiSnapshot(
        period=kw.get("period", Period.DAY),
        period_start=on,
        journey_id=touchpoint.journey_id,
        touchpoint_id=touchpoint.pk,
        channel_id=kw.get("channel_id", 0),
        metric=metric,
        n=n,
        low=low,
        high=high,
        total=total,
        total_sq=total_sq,
    )


def test_the_effect_of_each_finished_action_is_the_one_its_own_page_shows(world):
    """Two actions on the same touchpoint, finished ten days apart, with overlapping windows (one of them
    has a business case with a 2-week window), and one on another touchpoint: each action's figures equal
    action_effect's, so cells that fall in both windows count for both."""
    form = world.account_web
    first = done_action(form, at(5, 5, 14), title="Shorter form")
    second = done_action(form, at(5, 15, 9), title="Clearer errors")
    BusinessCaseFactory(action=second, effect_weeks=2)
    other = done_action(world.claim_web, at(5, 20, 23, 30), title="Claim tracker")  # 23:30 local: still 20 May
    KpiSnapshot.objects.bulk_create(
        [
            cell(form, day(4, 20), Metric.NPS, n=10, low=5, high=2),
            cell(form, day(5, 4), Metric.NPS, n=10, low=4, high=3, channel_id=world.web.pk),
            cell(form, day(5, 5), Metric.NPS, n=99, low=99, high=0),  # the day itself: neither window
            cell(form, day(5, 10), Metric.NPS, n=10, low=2, high=5),  # after the first, before the second
            cell(form, day(5, 10), Metric.CSAT, n=40, low=5, high=30),
            cell(form, day(5, 20), Metric.NPS, n=10, low=1, high=7),
            cell(form, day(5, 20), Metric.CES, n=4, low=1, high=2, total=18, total_sq=86),
            cell(form, day(5, 29), Metric.CSAT, n=50, low=2, high=45),  # after both: the second's last day
            cell(form, day(6, 10), Metric.NPS, n=10, low=0, high=10),  # only in the first's 8 weeks
            cell(world.claim_web, day(5, 19), Metric.NPS, n=30, low=10, high=10),
            cell(world.claim_web, day(5, 21), Metric.NPS, n=30, low=0, high=20),
            cell(world.claim_web, day(5, 20), Metric.NPS, n=99, low=0, high=99),
        ]
    )

    effects = improvement_work(**MAY)["effects"]  # today: the real today, as action_effect uses

    assert [row["title"] for row in effects["rows"]] == ["Claim tracker", "Clearer errors", "Shorter form"]
    assert (effects["total"], effects["more"]) == (3, 0)
    for row, act, weeks in zip(effects["rows"], [other, second, first], [8, 2, 8], strict=True):
        act.refresh_from_db()
        assert row["weeks"] == weeks
        assert row["effect"] == action_effect(action=act, weeks=weeks)
    rows = {r["title"]: {m.metric: m for m in r["effect"].rows} for r in effects["rows"]}
    # Shorter form, before: 20 responses, 5 promoters, 9 detractors = -20.0; after: 30, 22, 3 = 63.3
    nps = rows["Shorter form"][Metric.NPS]
    assert (nps.before.n, nps.before.value, nps.after.n, nps.after.value, nps.change) == (20, -20.0, 30, 63.3, 83.3)
    # Clearer errors (2 weeks, 1 to 14 May before, 16 to 29 May after): the first's own day counts before it
    clearer = rows["Clearer errors"]
    assert (clearer[Metric.NPS].before.n, clearer[Metric.NPS].after.n) == (119, 10)
    assert (clearer[Metric.CSAT].before.value, clearer[Metric.CSAT].after.value) == (75.0, 90.0)
    assert clearer[Metric.CES].after.value == 4.5
    assert rows["Claim tracker"][Metric.NPS].change == 66.7  # 0.0 before, 66.7 after
    assert effects["rows"][0]["touchpoint"] == "Claim form"


def test_only_actions_finished_in_the_period_with_a_touchpoint_count(world):
    form = world.account_web
    done_action(form, at(4, 30, 23, 59), title="April")
    done_action(form, at(5, 1, 0, 1), title="First of May")
    done_action(form, at(5, 31, 23, 59), title="Last of May")
    done_action(form, at(6, 1, 0, 1), title="June")
    finish(action(world.account, ActionStatus.DONE, title="No touchpoint"), at(5, 10))
    reopened = done_action(form, at(5, 12), title="Reopened")
    ImprovementAction.objects.filter(pk=reopened.pk).update(status=ActionStatus.IN_PROGRESS)
    again = done_action(form, at(3, 1), title="Done again in May")
    finish(again, at(5, 20))  # the latest move to done counts

    effects = work()["effects"]

    assert [row["title"] for row in effects["rows"]] == ["Last of May", "Done again in May", "First of May"]
    assert effects["rows"][1]["done_at"] == at(5, 20)


def test_at_most_ten_effects_are_shown_and_the_rest_is_counted(world, django_assert_num_queries):
    for i in range(12):
        done_action(world.move_web, at(5, 1 + i), title=f"Action {i + 1:02}")
    with django_assert_num_queries(4):
        effects = work()["effects"]
    assert [row["title"] for row in effects["rows"]] == [f"Action {i:02}" for i in range(12, 2, -1)]
    assert (effects["total"], effects["more"], effects["limit"]) == (12, 2, 10)


def test_effects_follow_the_scope(world):
    done_action(world.account_web, at(5, 3), title="Web sign-up")
    done_action(world.account_app, at(5, 4), title="App onboarding")
    done_action(world.claim_web, at(5, 5), title="Claim form")

    def titles(**scope):
        return [row["title"] for row in work(**scope)["effects"]["rows"]]

    assert titles() == ["Claim form", "App onboarding", "Web sign-up"]
    assert titles(group_id=world.becoming.pk) == ["App onboarding", "Web sign-up"]
    assert titles(journey_id=world.claim.pk) == ["Claim form"]
    assert titles(channel_id=world.web.pk) == ["Claim form", "Web sign-up"]


def test_without_finished_actions_there_are_no_effects_and_no_cell_query(world, django_assert_num_queries):
    done_action(world.account_web, at(4, 3))
    # actions per status, business cases, finished actions; no cells to read
    with django_assert_num_queries(3):
        effects = work()["effects"]
    assert (effects["rows"], effects["total"], effects["more"]) == ([], 0, 0)


def test_a_missing_or_reversed_period_is_refused_naming_the_fields():
    with pytest.raises(ValueError, match="date_from"):
        improvement_work(date_from=None, date_to=day(5, 1))
    with pytest.raises(ValueError, match="after date_to"):
        inner_loop(date_from=day(5, 2), date_to=day(5, 1))


def make_improvement_data(world, size: int):
    """`size` actions of each kind in scope, each with a business case, finished in May, with snapshot cells."""
    cells = []
    for i in range(size):
        tp = world.account_web
        action(world.account, ActionStatus.PLANNED, touchpoint=tp, due=day(1, 1))
        done = done_action(tp, at(5, 1 + i % 28), title=f"Done {size}-{i}")
        business_case(done, "1000", retention=("1500", "500"))
        cells += [cell(tp, day(5, 1) + datetime.timedelta(days=i), m, n=5, low=1, high=2) for m in Metric.values]
    KpiSnapshot.objects.bulk_create(cells, ignore_conflicts=True)


def test_the_improvement_work_query_count_does_not_grow_with_the_data(world, django_assert_num_queries):
    scope = {"group_id": world.becoming.pk, "journey_id": world.account.pk, "channel_id": world.web.pk}
    make_improvement_data(world, 2)
    # actions per status, business cases with summed gains, finished actions, their windows' cells
    with django_assert_num_queries(4):
        small = work(**scope)
    make_improvement_data(world, 40)
    with django_assert_num_queries(4):
        large = work(**scope)
    assert (small["actions"]["total"], len(small["business_cases"]["rows"]), small["effects"]["total"]) == (4, 2, 2)
    assert (large["actions"]["overdue"], len(large["business_cases"]["rows"]), large["effects"]["more"]) == (
        42,
        42,
        32,
    )


# The inner loop


def case(touchpoint, status=CaseStatus.OPEN, due=MID_MAY, opened=None, resolved=None) -> FollowUpCase:
    response = SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.NPS, score=2)
    opened = opened or at(5, 1)
    return FollowUpCase.objects.create(
        response=response, touchpoint=touchpoint, status=status, due_date=due, opened_at=opened, resolved_at=resolved
    )


def loop(**kw):
    return inner_loop(**{**MAY, "today": TODAY, **kw})


def test_the_inner_loop_counts_open_overdue_and_missed_deadlines(world):
    tp = world.account_web
    case(tp, CaseStatus.OPEN, due=day(6, 20))  # open, deadline ahead
    case(tp, CaseStatus.CONTACTED, due=day(6, 14))  # open, overdue; due after May
    case(tp, CaseStatus.OPEN, due=day(5, 10))  # open, overdue, missed in May
    # Resolved on the deadline day, at 23:30 Amsterdam (21:30 UTC): in time.
    case(tp, CaseStatus.RESOLVED, due=day(5, 10), resolved=at(5, 10, 23, 30))
    # Resolved at 00:30 Amsterdam the day after (22:30 UTC on the deadline day): missed.
    case(tp, CaseStatus.RESOLVED, due=day(5, 10), resolved=at(5, 11, 0, 30))
    case(tp, CaseStatus.RESOLVED, due=day(4, 30), resolved=at(5, 20))  # missed, but in April
    case(tp, CaseStatus.CONTACTED, due=day(4, 1), opened=at(3, 25))  # overdue, missed in April

    figures = loop()

    assert (figures["open"], figures["open_overdue"]) == (4, 3)
    assert (figures["due"], figures["missed"]) == (3, 2)
    assert figures["resolved"] == 3
    assert [(r["status"], r["label"], r["count"], r["opened_in_period"]) for r in figures["by_status"]] == [
        ("open", "Open", 2, 2),
        ("contacted", "Contacted", 2, 1),
        ("resolved", "Resolved", 3, 3),
    ]


def test_a_deadline_still_ahead_in_the_period_is_not_missed_yet(world):
    case(world.account_web, CaseStatus.OPEN, due=day(5, 20))
    assert (loop(today=day(5, 18))["due"], loop(today=day(5, 18))["missed"]) == (1, 0)
    assert loop(today=day(5, 21))["missed"] == 1
    assert loop(today=day(5, 20))["open_overdue"] == 0  # due today is not overdue yet


def test_the_median_time_to_close_of_an_odd_number_of_cases_is_the_middle_one(world):
    tp = world.account_web
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 2, 0))  # 0.5 days
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 3, 12))  # 2.0
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 11, 12))  # 10.0
    case(tp, CaseStatus.RESOLVED, opened=at(4, 1), resolved=at(4, 2))  # resolved in April: not counted
    case(tp, CaseStatus.RESOLVED, opened=at(5, 20), resolved=at(6, 1, 8))  # resolved in June: not counted
    figures = loop()
    assert (figures["resolved"], figures["median_days_to_close"]) == (3, 2.0)


def test_the_median_time_to_close_of_an_even_number_of_cases_is_the_mean_of_the_middle_two(world):
    tp = world.account_web
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 2, 0))  # 0.5 days
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 3, 12))  # 2.0
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 6, 0))  # 4.5
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 31, 12))  # 30.0
    figures = loop()
    assert (figures["resolved"], figures["median_days_to_close"]) == (4, 3.2)  # (2.0 + 4.5) / 2 = 3.25 days


def test_without_resolved_cases_there_is_no_median(world):
    case(world.account_web, CaseStatus.OPEN)
    assert (loop()["resolved"], loop()["median_days_to_close"]) == (0, None)


def test_the_inner_loop_follows_the_group_the_journey_and_the_channel(world):
    case(world.account_web, due=day(6, 1))
    case(world.account_app, due=day(6, 1))
    case(world.move_web, due=day(6, 1))
    case(world.claim_web, due=day(6, 1))
    case(world.claim_web, CaseStatus.RESOLVED, resolved=at(5, 3))

    assert loop()["open"] == 4
    assert loop(group_id=world.becoming.pk)["open"] == 3
    assert loop(journey_id=world.account.pk)["open"] == 2
    assert loop(channel_id=world.web.pk)["open"] == 3
    assert loop(journey_id=world.account.pk, channel_id=world.app.pk)["open"] == 1
    assert (loop(group_id=world.being.pk)["resolved"], loop(group_id=world.becoming.pk)["resolved"]) == (1, 0)


def test_the_inner_loop_query_count_does_not_grow_with_the_cases(world, django_assert_num_queries):
    # PostgreSQL: the counts and the median in one aggregate; elsewhere the durations are read for the median.
    queries = 1 if connection.vendor == "postgresql" else 2
    scope = {"group_id": world.becoming.pk, "journey_id": world.account.pk, "channel_id": world.web.pk}

    def make(count: int):
        for i in range(count):
            case(world.account_web, CaseStatus.RESOLVED, due=day(5, 25), opened=at(5, 1), resolved=at(5, 2 + i % 20))
            case(world.account_web, CaseStatus.OPEN, due=day(5, 1 + i % 28))  # missed

    make(2)
    with django_assert_num_queries(queries):
        small = loop(**scope)
    make(40)
    with django_assert_num_queries(queries):
        large = loop(**scope)
    assert (small["resolved"], small["open"], small["median_days_to_close"]) == (2, 2, 1.5)
    assert (large["resolved"], large["missed"]) == (42, 42)

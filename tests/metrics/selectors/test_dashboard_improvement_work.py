"""The dashboard's improvement work (metrics.selectors.dashboard_work.improvement_work): actions by status,
business cases and the before/after effect of finished actions, each against hand-built data, the scope filters,
the period, and a query count that does not grow with the data. The world fixture is in conftest.py.
"""

import datetime
from decimal import Decimal

import pytest

from metrics.models import BusinessCaseGain, GainType, KpiSnapshot, Metric, Period
from metrics.selectors.business_cases import action_effect
from metrics.selectors.dashboard_work import improvement_work, inner_loop
from teams.models import ActionStatus, ActionTransition, ImprovementAction
from tests.metrics.dashboard_work_data import MAY, TODAY, at, day
from tests.metrics.factories import BusinessCaseFactory
from tests.teams.factories import ActionFactory

pytestmark = pytest.mark.django_db


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

"""Business cases: saving them (gains by type, versions), ROI expected and realised, and the before/after effect
of the action on its touchpoint's scores, from daily snapshot cells."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cxplatform.lib.versioning import StaleVersion
from metrics.models import BusinessCase, BusinessCaseGain, GainType, KpiSnapshot, Metric, Period
from metrics.selectors.business_cases import action_effect, business_case_for_action, case_roi
from metrics.services.business_cases import business_case_delete, business_case_save
from teams.models import ActionStatus, ActionTransition
from teams.services.actions import action_create, action_transition
from tests.journeys.factories import TouchpointFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
DONE_DAY = datetime.date(2025, 3, 10)


def euros(amount: str) -> Decimal:
    return Decimal(amount)


@pytest.fixture
def touchpoint():
    return TouchpointFactory(name="Claim form in the app")


@pytest.fixture
def action(touchpoint):
    return action_create(created_by=None, title="Shorter claim form", journey=touchpoint.journey, touchpoint=touchpoint)


def done(action, on: datetime.date = DONE_DAY):
    """Move the action to done, as if that happened on `on` at 14:00 in Amsterdam."""
    for status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE):
        action_transition(action=action, to_status=status, by=None)
    moment = datetime.datetime.combine(on, datetime.time(14), tzinfo=AMSTERDAM)
    ActionTransition.objects.filter(action=action, to_status=ActionStatus.DONE).update(at=moment)
    action.refresh_from_db()
    return action


def roi_of(action) -> tuple:
    roi = case_roi(business_case_for_action(action=action))
    return roi.expected, roi.realised


# Saving


def test_a_case_is_created_with_its_gains_by_type(action):
    case = business_case_save(
        action=action,
        investment=euros("10000"),
        gains={GainType.REFERRALS: (euros("15000"), None), GainType.RETENTION: (euros("10000"), None)},
    )
    assert (case.version, case.effect_weeks) == (1, 8)
    assert sorted(case.gains.values_list("type", "expected", "realised")) == [
        ("referrals", euros("15000"), None),
        ("retention", euros("10000"), None),
    ]


def test_expected_roi_is_gains_minus_investment_over_investment_and_realised_is_not_yet(action):
    """Investment 10,000, expected gains 15,000 + 10,000 = 25,000: (25,000 - 10,000) / 10,000 = 150.0%."""
    business_case_save(
        action=action,
        investment=euros("10000"),
        gains={GainType.REFERRALS: (euros("15000"), None), GainType.RETENTION: (euros("10000"), None)},
    )
    assert roi_of(action) == (Decimal("150.0"), None)


def test_realised_roi_counts_the_realised_amounts_once_one_is_entered(action):
    """Realised 8,000 of the 10,000 invested: (8,000 - 10,000) / 10,000 = -20.0%."""
    business_case_save(
        action=action,
        investment=euros("10000"),
        gains={GainType.REFERRALS: (euros("15000"), None), GainType.CROSS_SELL: (euros("10000"), euros("8000"))},
    )
    assert roi_of(action) == (Decimal("150.0"), Decimal("-20.0"))


def test_a_realised_zero_is_a_measured_loss_of_everything(action):
    business_case_save(action=action, investment=euros("5000"), gains={GainType.SELF_SERVICE: (euros("0"), euros("0"))})
    assert roi_of(action) == (Decimal("-100.0"), Decimal("-100.0"))


def test_an_update_replaces_all_gains_and_bumps_the_version(action):
    case = business_case_save(
        action=action, investment=euros("1000"), gains={GainType.REFERRALS: (euros("2000"), None)}
    )
    business_case_save(
        action=action,
        investment=euros("1200"),
        gains={GainType.FEWER_COMPLAINTS: (euros("3000"), euros("500"))},
        expected_version=case.version,
    )
    case.refresh_from_db()
    assert (case.investment, case.version) == (euros("1200"), 2)
    assert list(case.gains.values_list("type", flat=True)) == [GainType.FEWER_COMPLAINTS]


def test_a_stale_update_is_refused_and_changes_nothing(action):
    business_case_save(action=action, investment=euros("1000"), gains={})
    business_case_save(action=action, investment=euros("1100"), gains={}, expected_version=1)
    with pytest.raises(StaleVersion):
        business_case_save(
            action=action, investment=euros("9999"), gains={GainType.RETENTION: (euros("1"), None)}, expected_version=1
        )
    case = BusinessCase.objects.get()
    assert (case.investment, case.gains.count()) == (euros("1100"), 0)


def test_a_second_case_for_the_same_action_is_refused_at_the_action(action):
    business_case_save(action=action, investment=euros("1000"), gains={})
    with pytest.raises(ValidationError) as error:
        business_case_save(action=action, investment=euros("2000"), gains={})
    assert "action" in error.value.message_dict
    assert BusinessCase.objects.get().investment == euros("1000")


def test_a_zero_investment_and_a_negative_gain_are_refused_together_and_nothing_is_stored(action):
    with pytest.raises(ValidationError) as error:
        business_case_save(action=action, investment=euros("0"), gains={GainType.REFERRALS: (euros("-5"), None)})
    assert set(error.value.message_dict) == {"investment", "referrals_expected"}
    assert "Referrals" in error.value.message_dict["referrals_expected"][0]
    assert not BusinessCase.objects.exists() and not BusinessCaseGain.objects.exists()


def test_an_unknown_gain_type_is_refused(action):
    with pytest.raises(ValidationError) as error:
        business_case_save(action=action, investment=euros("1"), gains={"goodwill": (euros("5"), None)})
    assert "goodwill" in error.value.message_dict["gains"][0]


def test_deleting_a_case_keeps_the_action(action):
    case = business_case_save(action=action, investment=euros("1"), gains={GainType.REFERRALS: (euros("5"), None)})
    business_case_delete(case=case)
    assert not BusinessCase.objects.exists() and not BusinessCaseGain.objects.exists()
    action.refresh_from_db()  # still there


# The before/after effect


def cell(touchpoint, day: datetime.date, metric: str, n: int, low: int, high: int, total=0, total_sq=0, **kw):
    return KpiSnapshot(
        period=kw.get("period", Period.DAY),
        period_start=day,
        journey_id=touchpoint.journey_id,
        touchpoint_id=kw.get("touchpoint_id", touchpoint.pk),
        channel_id=kw.get("channel_id", 0),
        metric=metric,
        n=n,
        low=low,
        high=high,
        total=total,
        total_sq=total_sq,
    )


def days(n: int) -> datetime.date:
    return DONE_DAY + datetime.timedelta(days=n)


@pytest.fixture
def snapshots(touchpoint):
    other = TouchpointFactory(stage=touchpoint.stage)
    KpiSnapshot.objects.bulk_create(
        [
            # Before (8 weeks up to the day before): NPS over two cells, of two channels.
            cell(touchpoint, days(-3), Metric.NPS, n=10, low=4, high=3),
            cell(touchpoint, days(-56), Metric.NPS, n=10, low=2, high=5, channel_id=7),
            cell(touchpoint, days(-20), Metric.CSAT, n=40, low=5, high=30),
            cell(touchpoint, days(-1), Metric.CES, n=4, low=1, high=2, total=18, total_sq=86),  # 3, 4, 5, 6
            # After (the day after to 8 weeks later)
            cell(touchpoint, days(1), Metric.NPS, n=10, low=1, high=6),
            cell(touchpoint, days(56), Metric.CSAT, n=50, low=2, high=45),
            # Not counted: the day itself, outside the windows, another touchpoint, a weekly cell.
            cell(touchpoint, days(0), Metric.NPS, n=100, low=100, high=0),
            cell(touchpoint, days(-57), Metric.NPS, n=100, low=100, high=0),
            cell(touchpoint, days(57), Metric.NPS, n=100, low=0, high=100),
            cell(touchpoint, days(2), Metric.NPS, n=100, low=100, high=0, touchpoint_id=other.pk),
            cell(touchpoint, days(-7), Metric.NPS, n=100, low=100, high=0, period=Period.WEEK),
        ]
    )


def rows_of(effect) -> dict:
    return {row.metric: row for row in effect.rows}


def test_the_effect_compares_the_weeks_before_the_action_was_done_with_the_weeks_after(
    action, snapshots, django_assert_num_queries
):
    done(action)
    # when the action was done; the snapshot cells summed per metric and window
    with django_assert_num_queries(2):
        effect = action_effect(action=action, weeks=8)
    assert effect.reason == ""
    assert (effect.before_from, effect.before_to) == (days(-56), days(-1))
    assert (effect.after_from, effect.after_to, effect.after_complete) == (days(1), days(56), True)
    rows = rows_of(effect)

    # NPS before: n 20, 8 promoters, 6 detractors: 100 x (8 - 6) / 20 = 10.0; p .4, d .3:
    # 1.96 x 100 x sqrt((.4 + .3 - .1²) / 20) = 36.4. After: n 10, 6 and 1: 50.0; 1.96 x 100 x sqrt(.45 / 10) = 41.6
    nps = rows[Metric.NPS]
    assert (nps.before.n, nps.before.value, nps.before.margin, nps.before.low_sample) == (20, 10.0, 36.4, True)
    assert (nps.after.n, nps.after.value, nps.after.margin) == (10, 50.0, 41.6)
    assert nps.change == 40.0

    # CSAT before: 30 of 40 satisfied = 75.0%, 1.96 x 100 x sqrt(.75 x .25 / 40) = 13.4; after: 45 of 50 = 90.0%,
    # 1.96 x 100 x sqrt(.9 x .1 / 50) = 8.3
    csat = rows[Metric.CSAT]
    assert (csat.before.n, csat.before.value, csat.before.margin, csat.before.low_sample) == (40, 75.0, 13.4, False)
    assert (csat.after.n, csat.after.value, csat.after.margin) == (50, 90.0, 8.3)
    assert csat.change == 15.0

    # CES before: 3, 4, 5, 6: mean 4.5, s² = (86 - 18² / 4) / 3 = 5/3, 1.96 x sqrt(5/3 / 4) = 1.27; none after
    ces = rows[Metric.CES]
    assert (ces.before.n, ces.before.value, ces.before.margin) == (4, 4.5, 1.27)
    assert (ces.after.n, ces.after.value, ces.after.margin) == (0, None, None)
    assert ces.change is None


def test_the_effect_window_follows_the_number_of_weeks(action, snapshots):
    done(action)
    nps = rows_of(action_effect(action=action, weeks=1))[Metric.NPS]
    assert (nps.before.n, nps.after.n) == (10, 10)  # the cells 3 days before and 1 after
    assert nps.before.value == -10.0


def test_a_recent_action_says_its_after_window_is_not_complete(action, snapshots):
    done(action, on=timezone.localdate() - datetime.timedelta(days=3))
    assert action_effect(action=action, weeks=8).after_complete is False


def test_the_latest_move_to_done_counts(action, snapshots):
    done(action)
    action_transition(action=action, to_status=ActionStatus.IN_PROGRESS, by=None)  # reopened...
    action_transition(action=action, to_status=ActionStatus.DONE, by=None)  # ...and done again, later
    earlier, later = ActionTransition.objects.filter(action=action, to_status=ActionStatus.DONE).order_by("id")
    ActionTransition.objects.filter(pk=later.pk).update(at=earlier.at + datetime.timedelta(days=10))
    action.refresh_from_db()
    assert action_effect(action=action, weeks=8).after_from == days(11)


def test_there_is_no_effect_yet_while_the_action_is_not_done(action, snapshots, django_assert_num_queries):
    with django_assert_num_queries(0):
        effect = action_effect(action=action)
    assert "not done yet" in effect.reason
    assert effect.rows == []


def test_there_is_no_effect_for_an_action_without_a_touchpoint(touchpoint):
    action = action_create(created_by=None, title="Better letters", journey=touchpoint.journey)
    effect = action_effect(action=action)
    assert "names no touchpoint" in effect.reason


def test_a_done_action_without_snapshot_cells_shows_empty_windows(action):
    done(action)
    rows = rows_of(action_effect(action=action))
    assert all(row.before.n == 0 and row.after.n == 0 and row.change is None for row in rows.values())
    assert rows[Metric.NPS].before.low_sample

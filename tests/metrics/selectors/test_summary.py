"""GET /api/v1/kpis/summary/ and the kpi_summary selector behind it: figures from the snapshots only."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from journeys import services
from metrics import formulas
from metrics.forms.periods import CUSTOM, ReportPeriod
from metrics.models import PendingRecompute, SurveyResponse
from metrics.selectors.dashboard import Scope, dashboard_scores
from metrics.selectors.kpis import kpi_summary
from metrics.services.recompute import snapshots_rebuild_all
from tests.journeys.factories import TouchpointFactory
from tests.metrics.factories import SurveyResponseFactory
from tests.metrics.recompute_data import at, expected_from_responses, starts
from tests.teams.factories import owning_every_journey_group

pytestmark = pytest.mark.django_db
URL = reverse("api:kpi-summary")


def figures(counts: dict[str, formulas.Counts]) -> dict:
    """The nps / csat / ces blocks of a row, from counts worked out from the responses."""
    return {
        "nps": formulas.nps(counts.get("nps", formulas.Counts())),
        "csat": formulas.csat(counts.get("csat", formulas.Counts())),
        "ces": formulas.ces(counts.get("ces", formulas.Counts())),
    }


def direct(**responses_filter) -> dict:
    """The figures of some responses, counted one response at a time (not from the snapshots)."""
    counts: dict[str, formulas.Counts] = {}
    for (period, _start, metric), c in expected_from_responses(responses_filter).items():
        if period == "day":
            counts[metric] = counts.get(metric, formulas.Counts()) + c
    return figures(counts)


def without_row_meta(row: dict) -> dict:
    return {k: row[k] for k in ("nps", "csat", "ces")}


def test_the_summary_answers_in_the_shape_of_the_issue_with_hand_worked_figures(editor_client, org):
    response = editor_client.get(URL, {"journey": org.complaint.pk})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "computed_at", "stale"}
    assert body["stale"] is False
    assert body["computed_at"] is not None
    [row] = body["results"]
    # NPS of the complaint journey: 9, 8, 0 = one promoter, one passive, one detractor; NPS = 33.3 - 33.3 = 0.
    # Margin: p = d = 1/3, p + d - (p - d)^2 = 2/3; / n = 2/9; sqrt = 0.4714; x 1.96 x 100 = 92.4.
    assert row == {
        "key": None,
        "label": "Total",
        "nps": {"n": 3, "promoters": 1, "passives": 1, "detractors": 1, "score": 0.0, "margin_of_error": 92.4},
        # CSAT 5 and 2: one of two in the top-2-box = 50%, mean 3.5. CES 6 and 2: mean 4, one of two easy.
        "csat": {"n": 2, "score": 50.0, "mean": 3.5},
        "ces": {"n": 2, "mean": 4.0, "pct_easy": 50.0},
        "low_sample": True,
    }


def test_a_scope_without_responses_has_null_scores_and_no_low_sample_flag(editor_client, org):
    body = editor_client.get(URL, {"journey": org.complaint.pk, "from": "2023-01-01", "to": "2023-12-31"}).json()
    [row] = body["results"]
    assert row["nps"] == {
        "n": 0,
        "promoters": 0,
        "passives": 0,
        "detractors": 0,
        "score": None,
        "margin_of_error": None,
    }
    assert row["csat"]["score"] is None
    assert row["ces"]["mean"] is None
    assert row["low_sample"] is False
    assert body["computed_at"] is None


@pytest.mark.parametrize("scope", ["organisation", "group", "journey", "stage", "touchpoint", "channel"])
@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_every_scope_and_period_shows_what_the_responses_say(org, scope, period):
    selector_scope, responses_filter = {
        "organisation": ({}, {}),
        "group": ({"group": org.becoming}, {"journey__group": org.becoming}),
        "journey": ({"journey": org.open_account}, {"journey": org.open_account}),
        "stage": ({"stage": org.orientation}, {"touchpoint__stage": org.orientation}),
        "touchpoint": ({"touchpoint": org.call}, {"touchpoint": org.call}),
        "channel": ({"channel": org.web}, {"channel": org.web}),
    }[scope]
    expected: dict[str, dict[str, formulas.Counts]] = {}
    for (p, start, metric), counts in expected_from_responses(responses_filter).items():
        if p == period:
            expected.setdefault(start.isoformat(), {})[metric] = counts
    rows = kpi_summary(**selector_scope, group_by=period)["results"]
    assert [row["key"] for row in rows] == sorted(expected)
    for row in rows:
        assert without_row_meta(row) == figures(expected[row["key"]]), row["key"]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2024, 4, 1), date(2024, 4, 30)),  # a whole month
        (date(2024, 3, 31), date(2024, 5, 5)),  # a day before April, then whole weeks into May
        (date(2024, 4, 15), date(2024, 6, 10)),  # edges of whole weeks and days around a whole month
        (date(2024, 4, 30), date(2024, 5, 1)),  # two days of one week in two months
        (date(2024, 5, 2), date(2024, 5, 2)),  # a single day
        (None, date(2024, 4, 30)),  # open start
        (date(2024, 5, 1), None),  # open end
        (None, None),  # all time
    ],
)
def test_any_date_range_sums_exactly_its_days(org, first, last):
    responses_filter = {}
    if first:
        responses_filter["day__gte"] = first
    if last:
        responses_filter["day__lte"] = last
    [row] = kpi_summary(date_from=first, date_to=last)["results"]
    assert without_row_meta(row) == direct(**responses_filter)


def test_grouping_by_month_cuts_the_edge_months_at_the_range(editor_client, org):
    body = editor_client.get(URL, {"group_by": "month", "from": "2024-04-15", "to": "2024-05-05"}).json()
    assert [(row["key"], row["label"]) for row in body["results"]] == [
        ("2024-04-01", "2024-04"),
        ("2024-05-01", "2024-05"),
    ]
    april, may = body["results"]
    assert without_row_meta(april) == direct(day__gte=date(2024, 4, 15), day__lte=date(2024, 4, 30))
    assert without_row_meta(may) == direct(day__gte=date(2024, 5, 1), day__lte=date(2024, 5, 5))


def test_grouping_by_week_labels_iso_weeks(editor_client, org):
    body = editor_client.get(URL, {"group_by": "week", "journey": org.open_account.pk}).json()
    assert [(row["key"], row["label"]) for row in body["results"]] == [
        ("2024-03-25", "2024-W13"),
        ("2024-04-01", "2024-W14"),
        ("2024-04-29", "2024-W18"),  # 30 April (CSAT of the call) and 2 and 5 May
        ("2024-05-06", "2024-W19"),
    ]
    assert body["results"][2]["csat"]["n"] == 6  # the call's five and the journey's own 4 of 29 April


@pytest.mark.parametrize(
    ("group_by", "labels"),
    [
        ("journey", ["Open an account"]),
        ("stage", ["Orientation", "Signing", "No touchpoint named"]),
        ("touchpoint", ["Website", "Call", "Contract", "No touchpoint named"]),
        ("channel", ["Web", "Phone", "No channel named"]),
    ],
)
def test_grouping_by_entity_gives_rows_that_add_up_to_the_total(editor_client, org, group_by, labels):
    body = editor_client.get(URL, {"group_by": group_by, "journey": org.open_account.pk}).json()
    assert [row["label"] for row in body["results"]] == labels
    assert body["results"][-1]["key"] is None or group_by == "journey"
    [total] = editor_client.get(URL, {"journey": org.open_account.pk}).json()["results"]
    for metric in ("nps", "csat", "ces"):
        assert sum(row[metric]["n"] for row in body["results"]) == total[metric]["n"]
    assert sum(row["nps"]["promoters"] for row in body["results"]) == total["nps"]["promoters"]


def test_grouping_by_touchpoint_keys_rows_by_touchpoint_id(editor_client, org):
    body = editor_client.get(URL, {"group_by": "touchpoint", "stage": org.orientation.pk}).json()
    assert [(row["key"], row["label"]) for row in body["results"]] == [
        (org.website.pk, "Website"),
        (org.call.pk, "Call"),
    ]
    call = body["results"][1]
    assert call["csat"] == {"n": 5, "score": 40.0, "mean": 3.0}  # 5 4 3 2 1: two of five are 4-5; mean 15 / 5
    assert call["ces"] == {"n": 5, "mean": 4.0, "pct_easy": 40.0}  # 7 5 4 3 1: 7 and 5 are easy; mean 20 / 5


@pytest.mark.parametrize("group_param", ["slug", "id"])
def test_filters_take_a_channel_by_key_and_a_group_by_key_or_id(editor_client, org, group_param):
    group = org.becoming.slug if group_param == "slug" else org.becoming.pk
    body = editor_client.get(URL, {"group": group, "channel": "phone"}).json()
    [row] = body["results"]
    assert without_row_meta(row) == direct(journey__group=org.becoming, channel=org.phone)
    assert row["csat"]["n"] == 5


def test_stale_is_true_while_a_recompute_of_the_scope_is_pending(editor_client, org):
    PendingRecompute.objects.create(journey=org.complaint, day_from=date(2024, 6, 15), day_to=date(2024, 6, 15))
    assert editor_client.get(URL, {"journey": org.complaint.pk}).json()["stale"] is True
    assert editor_client.get(URL, {"journey": org.open_account.pk}).json()["stale"] is False
    assert editor_client.get(URL, {"journey": org.complaint.pk, "to": "2024-06-14"}).json()["stale"] is False


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "year"}, "group_by"),
        ({"from": "31-12-2024"}, "from"),
        ({"to": "2024-02-30"}, "to"),
        ({"from": "2024-05-02", "to": "2024-05-01"}, "from"),
        ({"journey": "999999"}, "journey"),
        ({"journey": "one"}, "journey"),
        ({"stage": "999999"}, "stage"),
        ({"touchpoint": "999999"}, "touchpoint"),
        ({"channel": "carrier-pigeon"}, "channel"),
        ({"group": "nobody"}, "group"),
        ({"group": "999999"}, "group"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(editor_client, org, params, field):
    response = editor_client.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_touchpoint_of_another_journey_is_refused(editor_client, org):
    response = editor_client.get(URL, {"journey": org.open_account.pk, "touchpoint": org.form.pk})
    assert response.status_code == 400
    assert "touchpoint" in response.json()


def test_any_logged_in_user_may_read_and_anonymous_users_may_not(client, manager, process_owner, org):
    assert client.get(URL).status_code in (401, 403)
    for user in (manager, process_owner):
        client.force_login(user)
        assert client.get(URL).status_code == 200


def test_empty_parameters_mean_any(editor_client, org):
    body = editor_client.get(URL, {"journey": "", "group_by": "", "from": ""}).json()
    assert without_row_meta(body["results"][0]) == direct()


@pytest.mark.parametrize("count", [2, 200])
def test_the_summary_runs_a_fixed_number_of_queries(editor_client, org, count, django_assert_num_queries):
    for i in range(count):
        SurveyResponseFactory(
            journey=org.open_account,
            touchpoint=[org.website, org.call, org.contract][i % 3],
            metric=["nps", "csat", "ces"][i % 3],
            score=[9, 4, 5][i % 3],
            responded_at=at(date(2024, 1, 1) + timedelta(days=i)),
        )
    snapshots_rebuild_all()
    params = {"journey": org.open_account.pk, "group_by": "touchpoint", "from": "2024-01-01", "to": "2024-12-31"}
    # session, user, the journey parameter, the summed cells, the touchpoints' labels, the pending check
    with django_assert_num_queries(6):
        response = editor_client.get(URL, params)
    assert response.status_code == 200
    assert sum(row["nps"]["n"] + row["csat"]["n"] + row["ces"]["n"] for row in response.json()["results"]) == (
        SurveyResponse.objects.filter(journey=org.open_account, day__year=2024).count()
    )


def test_the_midnight_response_is_in_april_through_the_api(editor_client, org):
    body = editor_client.get(URL, {"journey": org.open_account.pk, "group_by": "day", "to": "2024-04-01"}).json()
    days = {row["key"]: row["nps"]["n"] for row in body["results"]}
    # 31 March: 10 9 7 3 0 at noon UTC. 1 April: 8 and 6, and the 9 given at 22:30 UTC on 31 March.
    assert days == {"2024-03-31": 5, "2024-04-01": 3}
    assert starts(date(2024, 4, 1))["week"] == date(2024, 4, 1)


# Structural changes of the map (issue 11): the figures per stage and touchpoint follow the map, `stale` until
# the recompute ran, and nothing a customer answered drops out.


def rows_by_key(editor_client, **params) -> dict:
    body = editor_client.get(URL, params).json()
    return {row["key"]: row for row in body["results"]}, body["stale"]


def test_an_archived_touchpoint_keeps_its_figures_for_its_journey_and_stage(
    editor_client, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.touchpoint_archive(touchpoint=org.call, expected_version=org.call.version)
    by_stage, stale = rows_by_key(editor_client, journey=org.open_account.pk, group_by="stage")
    assert stale is True  # a recompute is pending until the callbacks (the worker) ran
    for callback in callbacks:
        callback()  # Celery runs eagerly in tests: the recompute itself
    by_stage, stale = rows_by_key(editor_client, journey=org.open_account.pk, group_by="stage")
    assert stale is False
    assert without_row_meta(by_stage[org.orientation.pk]) == direct(touchpoint__stage=org.orientation)
    # The Call's CSAT answers are among them (the Website has none).
    assert by_stage[org.orientation.pk]["csat"]["n"] == direct(touchpoint=org.call)["csat"]["n"] == 5
    by_touchpoint, _stale = rows_by_key(editor_client, journey=org.open_account.pk, group_by="touchpoint")
    assert by_touchpoint[org.call.pk]["label"] == "Call"
    assert without_row_meta(by_touchpoint[org.call.pk]) == direct(touchpoint=org.call)
    assert without_row_meta(by_touchpoint[None]) == direct(journey=org.open_account, touchpoint__isnull=True)


def test_a_touchpoint_moved_to_another_stage_counts_there_after_the_recompute(
    editor_client, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.touchpoint_move(
            touchpoint=org.call,
            stage=org.signing,
            position=0,
            expected_structure_version=org.open_account.structure_version,
        )
    assert PendingRecompute.objects.filter(journey=org.open_account).exists()
    assert editor_client.get(URL, {"stage": org.signing.pk}).json()["stale"] is True
    for callback in callbacks:
        callback()
    by_stage, stale = rows_by_key(editor_client, journey=org.open_account.pk, group_by="stage")
    assert stale is False
    for stage in (org.orientation, org.signing):
        assert without_row_meta(by_stage[stage.pk]) == direct(touchpoint__stage=stage)
    assert by_stage[org.signing.pk]["csat"]["n"] == direct(touchpoint__stage=org.signing)["csat"]["n"] > 0


def test_deleting_a_measured_touchpoint_is_refused_and_its_figures_stay(editor_client, cx_editor, org):
    before, _stale = rows_by_key(editor_client, journey=org.open_account.pk, group_by="touchpoint")
    with owning_every_journey_group(cx_editor):
        response = editor_client.delete(f"/api/v1/touchpoints/{org.call.pk}/?version={org.call.version}")
    assert response.status_code == 409
    assert SurveyResponse.objects.filter(touchpoint=org.call).exists()
    after, stale = rows_by_key(editor_client, journey=org.open_account.pk, group_by="touchpoint")
    assert after == before
    assert stale is False
    assert without_row_meta(after[None]) == direct(journey=org.open_account, touchpoint__isnull=True)


def test_the_dashboard_keeps_the_figures_of_an_archived_stage_and_its_touchpoint(org):
    services.stage_archive(stage=org.signing, expected_version=org.signing.version)
    spring = ReportPeriod(CUSTOM, date(2024, 3, 1), date(2024, 6, 30))
    scores = dashboard_scores(scope=Scope(journey_id=org.open_account.pk), period=spring)
    stages = {row.key: row for row in scores.stages}
    expected = kpi_summary(
        journey=org.open_account, date_from=spring.date_from, date_to=spring.date_to, group_by="stage"
    )["results"]
    assert stages[org.signing.pk].label == "Signing (archived)"  # the dashboard says it is archived
    assert [row.key for row in scores.stages] == [r["key"] for r in expected if r["key"] is not None]
    assert (
        stages[org.signing.pk].figures["nps"].n
        == direct(touchpoint__stage=org.signing, day__gte=date(2024, 3, 1))["nps"]["n"]
    )


def test_deleting_an_unmeasured_touchpoint_marks_its_journey_stale_until_the_recompute(
    editor_client, cx_editor, org, django_capture_on_commit_callbacks
):
    spare = TouchpointFactory(stage=org.signing, name="Welcome letter", position=1)
    with owning_every_journey_group(cx_editor), django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = editor_client.delete(f"/api/v1/touchpoints/{spare.pk}/?version={spare.version}")
    assert response.status_code == 204
    assert rows_by_key(editor_client, journey=org.open_account.pk, group_by="touchpoint")[1] is True
    assert rows_by_key(editor_client, journey=org.complaint.pk, group_by="touchpoint")[1] is False
    for callback in callbacks:
        callback()
    by_touchpoint, stale = rows_by_key(editor_client, journey=org.open_account.pk, group_by="touchpoint")
    assert stale is False
    assert spare.pk not in by_touchpoint
    for touchpoint in (org.website, org.call, org.contract):
        assert without_row_meta(by_touchpoint[touchpoint.pk]) == direct(touchpoint=touchpoint)


def test_a_reorder_that_moves_a_touchpoint_to_another_stage_recomputes_the_stages(
    editor_client, org, django_capture_on_commit_callbacks
):
    order = [
        {"id": org.orientation.pk, "touchpoints": [org.website.pk]},
        {"id": org.signing.pk, "touchpoints": [org.call.pk, org.contract.pk]},
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.journey_reorder(
            journey=org.open_account, stages=order, expected_structure_version=org.open_account.structure_version
        )
    assert rows_by_key(editor_client, stage=org.signing.pk)[1] is True
    for callback in callbacks:
        callback()
    by_stage, stale = rows_by_key(editor_client, journey=org.open_account.pk, group_by="stage")
    assert stale is False
    assert without_row_meta(by_stage[org.signing.pk]) == direct(touchpoint__stage=org.signing)
    assert without_row_meta(by_stage[org.orientation.pk]) == direct(touchpoint__stage=org.orientation)

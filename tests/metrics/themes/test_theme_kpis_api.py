"""GET /api/v1/kpis/themes/: the theme figures of a scope and period, by theme, touchpoint or month."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import resolve
from django.utils import timezone

from metrics.api.theme_kpis import ThemeKpiView
from metrics.models import Metric
from tests.journeys.factories import StageFactory, TouchpointFactory
from tests.metrics.factories import AnalysisThemeFactory, commented_response

pytestmark = pytest.mark.django_db

API = "/api/v1/kpis/themes/"
DAY = date(2026, 3, 10)


def at(day: date) -> dict:
    return {"responded_at": datetime(day.year, day.month, day.day, 12, tzinfo=UTC), "day": day}


@pytest.fixture
def touchpoint():
    return TouchpointFactory(name="Claim by phone", key="claim-by-phone")


@pytest.fixture
def waiting():
    return AnalysisThemeFactory(name_en="waiting time", name_nl="wachttijd", key="waiting-time")


@pytest.fixture
def tagged(touchpoint, waiting):
    """The hand-worked example: 4 of 10 NPS responses mention waiting time (2, 3, 6, 9)."""
    for score in (2, 3, 6, 9):
        commented_response(waiting, touchpoint=touchpoint, score=score, **at(DAY))
    for score in (9, 10, 8, 7, 10, 4):
        commented_response(touchpoint=touchpoint, score=score, **at(DAY))


def test_the_path_is_not_read_as_a_kpi_id():
    assert resolve(API).func.view_class is ThemeKpiView


def test_the_themes_of_a_touchpoint_with_their_impact(client_of, manager, tagged, touchpoint, waiting):
    response = client_of(manager).get(API, {"touchpoint": touchpoint.pk, "from": "2026-03-01", "to": "2026-03-31"})

    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["group_by"]) == ("2026-03-01", "2026-03-31", "theme")
    assert (body["responses"], body["commented"], body["nps_n"], body["nps"]) == (10, 10, 10, 0.0)
    (row,) = body["results"]
    assert row["key"] == waiting.pk and row["label"] == "waiting time"
    assert row["theme"]["key"] == "waiting-time" and row["theme"]["colour"] == waiting.colour
    assert (row["mentions"], row["share"], row["nps_n"], row["nps_without_n"]) == (4, 40.0, 4, 6)
    assert row["buckets"]["detractors"] == 3 and row["buckets"]["promoters"] == 1
    # Worked by hand in test_analysis_selectors: -50 vs 33.3, -83.3 ± 103.7, it costs 33.3 points.
    assert (row["nps_with"], row["nps_without"], row["impact"], row["margin"], row["cost"]) == (
        -50.0,
        33.3,
        -83.3,
        103.7,
        33.3,
    )
    assert row["low_sample"] is True
    # NPS in scope: the impact is on NPS; no CSAT to compare.
    assert body["impact_metric"] == "nps" and row["impact_metric"] == "nps"
    assert (body["csat_n"], body["csat"], row["csat_n"], row["csat_with"], row["csat_cost"]) == (0, None, 0, None, None)
    assert row["csat_low_sample"] is False


def test_a_csat_touchpoint_has_its_csat_impact_and_no_nps_low_sample(client_of, manager, touchpoint, waiting):
    # Worked by hand in test_analysis_selectors: waiting time 2 of 5 CSAT 4-5 (40%) against 4 of 5 (80%).
    for score in (1, 2, 2, 4, 5):
        commented_response(waiting, touchpoint=touchpoint, metric=Metric.CSAT, score=score, **at(DAY))
    for score in (5, 4, 4, 3, 5):
        commented_response(touchpoint=touchpoint, metric=Metric.CSAT, score=score, **at(DAY))
    query = {"touchpoint": touchpoint.pk, "from": "2026-03-01", "to": "2026-03-31"}

    body = client_of(manager).get(API, query).json()

    assert (body["nps_n"], body["nps"], body["csat_n"], body["csat"], body["impact_metric"]) == (
        0,
        None,
        10,
        60.0,
        "csat",
    )
    (row,) = body["results"]
    assert (row["csat_n"], row["csat_without_n"], row["csat_with"], row["csat_without"]) == (5, 5, 40.0, 80.0)
    assert (row["csat_impact"], row["csat_margin"], row["csat_cost"]) == (-40.0, 55.4, 20.0)
    assert row["csat_low_sample"] is True  # 5 < 30
    assert (row["impact_metric"], row["nps_n"], row["impact"], row["cost"]) == ("csat", 0, None, None)
    assert row["low_sample"] is False  # no NPS at all is no low NPS sample

    # By touchpoint, each row's impact metric follows that touchpoint's own totals.
    body = client_of(manager).get(API, {**query, "touchpoint": "", "group_by": "touchpoint"}).json()
    assert [(row["label"], row["impact_metric"], row["csat_cost"]) for row in body["results"]] == [
        ("Claim by phone", "csat", 20.0)
    ]


def test_the_schema_documents_the_csat_fields():
    from drf_spectacular.generators import SchemaGenerator

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    row = schemas["ThemeKpiRow"]["properties"]
    for name in ("csat_n", "csat_with", "csat_without", "csat_impact", "csat_margin", "csat_cost", "impact_metric"):
        assert row[name]["description"], name
    assert schemas["ImpactMetricEnum"]["enum"] == ["nps", "csat"]
    assert row["impact_metric"]["nullable"] and schemas["ThemeKpi"]["properties"]["impact_metric"]["nullable"]


def test_a_touchpoint_by_its_key_within_its_journey(client_of, manager, tagged, touchpoint):
    query = {"journey": touchpoint.journey_id, "touchpoint": "claim-by-phone", "from": "2026-03-01", "to": "2026-03-31"}
    response = client_of(manager).get(API, query)
    assert response.status_code == 200 and response.json()["results"][0]["mentions"] == 4


def test_by_touchpoint_each_against_its_own_totals(client_of, manager, tagged, touchpoint, waiting):
    letter = TouchpointFactory(stage=touchpoint.stage, name="Letter")
    commented_response(waiting, touchpoint=letter, score=0, **at(DAY))
    commented_response(touchpoint=letter, score=10, **at(DAY))
    query = {"journey": touchpoint.journey_id, "from": "2026-03-01", "to": "2026-03-31", "group_by": "touchpoint"}

    body = client_of(manager).get(API, query).json()

    assert [(row["label"], row["mentions"]) for row in body["results"]] == [("Claim by phone", 4), ("Letter", 1)]
    letter_row = body["results"][1]
    # Letter: the mention scores 0 (NPS -100), the other 10 (NPS 100): it costs 100 - 0 = 100 points there.
    assert (letter_row["key"], letter_row["nps_with"], letter_row["nps_without"], letter_row["cost"]) == (
        letter.pk,
        -100.0,
        100.0,
        100.0,
    )
    assert body["responses"] == 12


def test_by_month(client_of, manager, touchpoint, waiting):
    commented_response(waiting, touchpoint=touchpoint, score=0, **at(date(2026, 1, 5)))
    commented_response(touchpoint=touchpoint, score=10, **at(date(2026, 1, 6)))
    commented_response(waiting, touchpoint=touchpoint, score=3, **at(date(2026, 3, 5)))
    body = client_of(manager).get(API, {"from": "2026-01-01", "to": "2026-03-31", "group_by": "month"}).json()
    assert [(row["key"], row["label"], row["mentions"], row["share"]) for row in body["results"]] == [
        ("2026-01-01", "2026-01", 1, 50.0),
        ("2026-03-01", "2026-03", 1, 100.0),
    ]


def test_without_a_period_the_last_12_months(client_of, manager, touchpoint, waiting):
    commented_response(waiting, touchpoint=touchpoint, **at(timezone.localdate() - timedelta(days=10)))
    commented_response(waiting, touchpoint=touchpoint, **at(timezone.localdate() - timedelta(days=400)))
    body = client_of(manager).get(API).json()
    assert body["to"] == timezone.localdate().isoformat()
    assert body["results"][0]["mentions"] == 1


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"journey": "999999"}, "journey"),
        ({"touchpoint": "nope"}, "touchpoint"),
        ({"channel": "pigeon"}, "channel"),
        ({"from": "2026-02-30"}, "from"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"from": "2000-01-01", "to": "2026-03-01"}, "from"),
        ({"group_by": "stage"}, "group_by"),
        ({"journey": "a\x00b"}, "journey"),
    ],
)
def test_a_bad_parameter_is_named(client_of, manager, query, parameter):
    response = client_of(manager).get(API, query)
    assert response.status_code == 400
    assert parameter in response.json()


def test_a_stage_of_another_journey_is_refused(client_of, manager, touchpoint):
    response = client_of(manager).get(API, {"journey": touchpoint.journey_id, "stage": StageFactory().pk})
    assert response.status_code == 400 and "stage" in response.json()


def test_it_needs_a_login(client):
    assert client.get(API).status_code in (401, 403)


def _world(themes: int, per_theme: int):
    stage = StageFactory()
    touchpoints = [TouchpointFactory(stage=stage) for _ in range(2)]
    for i, theme in enumerate(AnalysisThemeFactory.create_batch(themes)):
        for j in range(per_theme):
            commented_response(theme, touchpoint=touchpoints[j % 2], score=(i + j) % 11, **at(DAY - timedelta(j * 7)))
    return stage


@pytest.mark.parametrize(("themes", "per_theme"), [(2, 1), (20, 10)])
@pytest.mark.parametrize(("group_by", "queries"), [("theme", 5), ("touchpoint", 7), ("month", 7)])
def test_a_fixed_number_of_queries(django_assert_num_queries, client_of, manager, themes, per_theme, group_by, queries):
    stage = _world(themes, per_theme)
    client = client_of(manager)
    query = {"journey": stage.journey_id, "from": "2025-01-01", "to": "2026-03-31", "group_by": group_by}
    # session, user; the journey; by theme: the totals, the themes with their counts; by touchpoint or month: the
    # scope's totals, the totals per key, the mentions per (key, theme), the themes
    with django_assert_num_queries(queries):
        response = client.get(API, query)
    assert response.status_code == 200
    body = response.json()
    assert body["responses"] == themes * per_theme
    assert sum(row["mentions"] for row in body["results"]) == themes * per_theme

"""The key-driver page of a journey: the analysis for everyone logged in, the fix-first buttons for those who may
create actions, the period in the URL, the CSV download, and a fixed number of queries."""

from __future__ import annotations

import csv
import datetime
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from metrics.forms.periods import preset_period
from metrics.models import Metric
from metrics.selectors.drivers import driver_analysis
from teams.models import ImprovementAction
from tests.journeys.factories import JourneyFactory, TouchpointFactory
from tests.metrics.selectors.test_drivers import answer, driver_journey, save
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]
TODAY = timezone.localdate()
PERIOD_12M = preset_period("12m")  # the page's default


def url_of(journey, query: str = "") -> str:
    return reverse("metrics:journey-drivers", args=[journey.pk]) + (f"?{query}" if query else "")


def html_of(response) -> str:
    return response.content.decode()


def fix_first_links(html: str) -> list[str]:
    """The hrefs of the "Create improvement action" buttons, in page order."""
    links, rest = [], html
    marker = 'class="btn btn-primary btn-small" href="'
    while marker in rest:
        rest = rest[rest.index(marker) + len(marker) :]
        links.append(rest[: rest.index('"')].replace("&amp;", "&"))
    return links


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    journey = JourneyFactory()
    response = client.get(url_of(journey))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_unknown_journey_is_not_found(client_of, manager):
    assert client_of(manager).get(reverse("metrics:journey-drivers", args=[999999])).status_code == 404


def test_the_page_shows_the_linked_respondents_the_chart_the_table_and_what_to_fix_first(client_of, cx_editor):
    journey = driver_journey()
    response = client_of(cx_editor).get(url_of(journey))
    html = html_of(response)

    assert response.status_code == 200
    assert "200 linked respondents" in html
    assert 'data-figure="driver-quadrant-data"' in html and 'id="driver-quadrant-data"' in html
    assert "vendor/plotly/plotly.min.js" in html and "js/charts.js" in html
    assert response.context["figure"]["data"]  # the chart's points
    # The fix-first list: the strong driver, with its figures.
    fix_first = html[html.index('id="fix-first-title"') : html.index('id="all-title"')]
    assert "Claim by phone" in fix_first and "Claim form" not in fix_first and "Status letter" not in fix_first
    phone = next(row for row in response.context["analysis"].rows if row.name == "Claim by phone")
    assert f"{phone.importance:.2f}" in fix_first and f"{phone.performance:.1f}" in fix_first
    # Every touchpoint in the table, the one with five respondents said to have too few.
    table = html[html.index('id="all-title"') :]
    for name in ("Claim by phone", "Claim form", "Status letter", "Renewal call"):
        assert name in table
    assert "Too few linked respondents" in table
    assert reverse("journeys:map", args=[journey.pk]) in html


def test_the_button_opens_the_action_form_prefilled_for_the_touchpoint(client_of, cx_editor):
    journey = driver_journey()
    phone = journey.touchpoints.get(name="Claim by phone")
    MembershipFactory(team=TeamFactory(journey_groups=[journey.group]), user=cx_editor)
    client = client_of(cx_editor)

    (link,) = fix_first_links(html_of(client.get(url_of(journey))))

    parts = urlsplit(link)
    query = parse_qs(parts.query)
    assert parts.path == reverse("teams:action-create")
    assert query["touchpoint"] == [str(phone.pk)]
    assert query["title"] == ["Improve “Claim by phone”: a key driver of NPS"]
    description = query["description"][0]
    assert "Rank 1 on the fix-first list" in description and "200 linked respondents" in description
    analysis = driver_analysis(journey=journey, date_from=PERIOD_12M.date_from, date_to=PERIOD_12M.date_to)
    assert f"r = {floatformat(analysis.rows[0].importance, 2)}" in description
    form_page = client.get(link)
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert form.initial["title"] == "Improve “Claim by phone”: a key driver of NPS"
    assert form.initial["description"] == query["description"][0]
    assert escape("Improve “Claim by phone”: a key driver of NPS") in html_of(form_page)

    # Saved as it is, the action is on the touchpoint, with the analysis in its description.
    client.post(
        link,
        {"title": form.initial["title"], "description": form.initial["description"], "impact": 4, "effort": 2}
        | {"expected_investment": 0, "expected_gains": 0},
    )
    action = ImprovementAction.objects.get()
    assert (action.touchpoint, action.journey) == (phone, journey)
    assert "Key-driver analysis of “Report a claim”" in action.description


def test_a_prefilled_title_is_cut_to_the_fields_length_and_escaped(client_of, cx_editor):
    touchpoint = TouchpointFactory()
    query = f"touchpoint={touchpoint.pk}&title={'<b>x</b>' * 40}&description=%3Cscript%3Ealert(1)%3C/script%3E"
    response = client_of(cx_editor).get(reverse("teams:action-create") + "?" + query)
    form = response.context["form"]
    assert len(form.initial["title"]) == 200
    html = html_of(response)
    assert "<script>alert(1)</script>" not in html and escape("<script>alert(1)</script>") in html
    assert "<b>x</b>" not in html


def test_managers_see_the_analysis_but_no_button_as_they_cannot_create_actions(client_of, manager):
    journey = driver_journey()
    html = html_of(client_of(manager).get(url_of(journey)))
    assert "Claim by phone" in html[html.index('id="fix-first-title"') :]
    assert fix_first_links(html) == []
    assert "Create improvement action" not in html
    assert reverse("teams:action-create") not in html


def test_a_process_owner_may_look_too(client_of, process_owner):
    assert client_of(process_owner).get(url_of(driver_journey(respondents=30))).status_code == 200


def test_too_few_linked_respondents_are_said_plainly_without_a_chart(client_of, manager):
    journey = driver_journey(respondents=12)
    response = client_of(manager).get(url_of(journey))
    html = html_of(response)
    assert "Not enough data for a key-driver analysis" in html
    assert "Only 12 respondents gave both an NPS for this journey and a touchpoint score" in html
    assert response.context["figure"] is None
    assert "plotly.min.js" not in html and "data-figure" not in html
    assert 'id="fix-first-title"' not in html


def test_the_reason_names_the_journey_and_the_period_asked_for(client_of, manager):
    journey = driver_journey(respondents=12)
    journey.name = "Report a claim"
    journey.save()
    html = html_of(client_of(manager).get(url_of(journey, "period=custom&from=2026-01-01&to=2026-01-31")))
    assert "Not enough data for a key-driver analysis of “Report a claim” between 1 Jan 2026 and 31 Jan 2026" in html
    assert "data-figure" not in html
    html = html_of(client_of(manager).get(url_of(journey, "period=90d")))
    assert "Not enough data for a key-driver analysis of “Report a claim” in the last 90 days" in html


def test_a_journey_without_touchpoints_says_so(client_of, manager):
    html = html_of(client_of(manager).get(url_of(JourneyFactory())))
    assert "This journey has no touchpoints yet" in html


def test_the_period_comes_from_the_url_and_bad_dates_are_shown_at_their_field(client_of, manager):
    journey = driver_journey(day=TODAY - datetime.timedelta(days=60))
    client = client_of(manager)

    recent = client.get(url_of(journey, "period=30d"))
    assert recent.context["analysis"].linked_respondents == 0
    assert "No respondent gave both an NPS" in html_of(recent)
    wider = client.get(url_of(journey, "period=90d"))
    assert wider.context["analysis"].linked_respondents == 200
    assert f'href="/journeys/{journey.pk}/drivers/?period=90d&amp;format=csv"' in html_of(wider)

    missing = html_of(client.get(url_of(journey, "period=custom&from=2025-01-01")))
    assert "To: Choose the last day of the period." in missing
    bad = html_of(client.get(url_of(journey, "period=custom&from=tomorrow&to=2025-01-01")))
    assert "From: Enter a valid date." in bad
    backwards = html_of(client.get(url_of(journey, "from=2025-02-01&to=2025-01-01")))
    assert "To: The last day must be on or after the first day." in backwards


def test_the_table_downloads_as_csv_for_the_same_period(client_of, process_owner):
    journey = driver_journey()
    response = client_of(process_owner).get(url_of(journey, "period=90d&format=csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    first = (TODAY - datetime.timedelta(days=89)).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="key-drivers-report-a-claim-{first}-{TODAY.isoformat()}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    analysis = driver_analysis(
        journey=journey, date_from=TODAY - datetime.timedelta(days=89), date_to=TODAY
    )  # the same figures
    assert [row["Touchpoint"] for row in rows] == [row.name for row in analysis.rows]
    phone, form = rows[0], rows[1]
    expected = analysis.rows[0]
    assert phone["Linked respondents"] == "200"
    assert float(phone["Importance (r)"]) == pytest.approx(expected.importance, abs=0.0005)
    assert float(phone["Performance (0-100)"]) == pytest.approx(expected.performance, abs=0.006)
    assert phone["Significant (p < 0.05)"] == "yes" and form["Significant (p < 0.05)"] == "no"
    assert phone["Quadrant"] == "Fix first" and phone["Fix-first rank"] == "1"
    assert rows[3]["Status"] == "Too few linked respondents" and rows[3]["Importance (r)"] == ""


def test_a_csv_with_a_bad_period_shows_the_error_instead(client_of, manager):
    response = client_of(manager).get(url_of(driver_journey(respondents=5), "from=2025-13-01&format=csv"))
    assert response.status_code == 400
    assert "From: Enter a valid date." in html_of(response)


def test_names_are_escaped_on_the_page_and_in_the_csv_no_formula_runs(client_of, cx_editor):
    journey = driver_journey()
    journey.touchpoints.filter(name="Claim by phone").update(name="<i>Phone</i>")
    journey.touchpoints.filter(name="Claim form").update(name="=HYPERLINK(1)")
    client = client_of(cx_editor)
    html = html_of(client.get(url_of(journey)))
    assert "<i>Phone</i>" not in html and escape("<i>Phone</i>") in html
    body = client.get(url_of(journey, "format=csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body


def test_a_negative_importance_stays_a_number_in_the_csv(client_of, cx_editor):
    journey = driver_journey()  # "Claim form", the null driver, correlates slightly negatively with the NPS
    body = client_of(cx_editor).get(url_of(journey, "format=csv")).content.decode("utf-8-sig")
    form = next(row for row in csv.DictReader(io.StringIO(body)) if row["Touchpoint"] == "Claim form")
    assert form["Importance (r)"].startswith("-0.0")  # not '-0.038: a spreadsheet would read that as text
    assert float(form["Importance (r)"]) < 0


@pytest.mark.parametrize("respondents", [40, 1500])
def test_the_page_and_the_csv_run_a_fixed_number_of_queries(
    client_of, cx_editor, django_assert_num_queries, respondents
):
    journey = driver_journey(respondents=respondents)
    extra = TouchpointFactory(stage=journey.stages.first(), name="Extra")
    save([answer(journey, "R-extra", Metric.CSAT, 4, extra)])
    client = client_of(cx_editor)
    # session, user, journey, the driver sums (one aggregate), the touchpoints, their top themes (theme mentions)
    with django_assert_num_queries(6):
        response = client.get(url_of(journey))
    assert response.context["analysis"].sufficient and response.context["fix_first"]
    # the CSV: the same but the themes
    with django_assert_num_queries(5):
        assert client.get(url_of(journey, "format=csv")).status_code == 200

"""The target pages: the list grouped by scope, the form to set and change a target, removing one after a
confirmation; read-only for everyone but managers and admins."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from cxplatform.accounts.models import Role
from metrics.models import Metric, MetricTarget
from metrics.permissions import NOT_A_KPI_MANAGER
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyFactory, TouchpointFactory
from tests.metrics.services.test_targets import make_target

pytestmark = pytest.mark.django_db
LIST = reverse("metrics:target-list")
CREATE = reverse("metrics:target-create")


def html_of(response) -> str:
    return response.content.decode()


def section_of(html: str, title_id: str) -> str:
    start = html.index(f'id="{title_id}"')
    return html[start : html.index("</section>", start)]


def edit_url(target: MetricTarget) -> str:
    return reverse("metrics:target-edit", args=[target.pk])


def delete_url(target: MetricTarget) -> str:
    return reverse("metrics:target-delete", args=[target.pk])


# The list


def test_the_list_groups_the_targets_by_organisation_journey_and_touchpoint(client_of, process_owner, manager):
    touchpoint = TouchpointFactory(name="Claim by phone", stage__name="Report the claim", stage__journey__name="Claims")
    journey = touchpoint.journey
    MetricTarget.objects.create(metric=Metric.NPS, value=Decimal("20"), updated_by=manager)
    make_target(Metric.CES, "5")
    make_target(Metric.NPS, "-5", journey=journey)
    make_target(Metric.CSAT, "70", touchpoint=touchpoint)

    html = html_of(client_of(process_owner).get(LIST))

    organisation = section_of(html, "organisation-title")
    assert "+20" in organisation and "5.0" in organisation and "Martin" in organisation
    assert organisation.index("NPS") < organisation.index("CES")  # NPS, CSAT, CES: the dashboard's order
    journeys = section_of(html, "journeys-title")
    assert "Claims" in journeys and "−5" in journeys and "+20" not in journeys
    touchpoints = section_of(html, "touchpoints-title")
    assert "Claim by phone" in touchpoints and "Report the claim" in touchpoints and "70%" in touchpoints
    assert touchpoints.index("Claims") < touchpoints.index("Claim by phone")  # under its journey's heading
    assert "The most specific target applies" in html


def test_a_process_owner_reads_the_targets_but_is_offered_no_change(client_of, process_owner):
    target = make_target()
    html = html_of(client_of(process_owner).get(LIST))
    assert "+20" in html
    assert edit_url(target) not in html and delete_url(target) not in html and CREATE not in html


def test_a_manager_is_offered_to_change_and_remove_each_target(client_of, manager):
    target = make_target()
    html = html_of(client_of(manager).get(LIST))
    assert edit_url(target) in html and delete_url(target) in html and CREATE in html
    assert 'aria-label="Change the NPS target of the whole organisation"' in html


def test_without_targets_the_page_says_what_they_do_and_who_sets_them(client_of, cx_editor, manager):
    html = html_of(client_of(cx_editor).get(LIST))
    assert "No targets yet" in html and "the most specific target applies" in html
    assert "Managers and admins set them." in html and CREATE not in html
    assert CREATE in html_of(client_of(manager).get(LIST))


def test_a_section_without_targets_says_what_applies_instead(client_of, manager):
    make_target(Metric.CSAT, "80")
    html = html_of(client_of(manager).get(LIST))
    assert "No journey has a target of its own: the organisation's apply." in html
    assert "No touchpoint has a target of its own" in html


def test_journey_and_touchpoint_names_are_escaped(client_of, manager):
    touchpoint = TouchpointFactory(name="<b>Phone</b>", stage__journey__name="<script>alert(1)</script>")
    make_target(Metric.CSAT, "70", touchpoint=touchpoint)
    html = html_of(client_of(manager).get(LIST))
    assert "<script>alert(1)</script>" not in html and "<b>Phone</b>" not in html
    assert escape("<script>alert(1)</script>") in html and escape("<b>Phone</b>") in html


def test_the_kpi_list_links_to_the_targets(client_of, process_owner):
    assert f'href="{LIST}"' in html_of(client_of(process_owner).get(reverse("metrics:kpi-list")))


@pytest.mark.parametrize("count", [2, 100])
def test_the_list_runs_a_fixed_number_of_queries(client_of, manager, django_assert_num_queries, count):
    touchpoints = [TouchpointFactory() for _ in range(count)]
    MetricTarget.objects.bulk_create(
        [MetricTarget(metric=Metric.NPS, value=Decimal(10), journey=t.journey, updated_by=manager) for t in touchpoints]
        + [
            MetricTarget(metric=m, value=Decimal(5), journey=t.journey, touchpoint=t, updated_by=manager)
            for t in touchpoints
            for m in (Metric.CSAT, Metric.CES)
        ]
    )
    client = client_of(manager)
    # session, user, the targets (+journey, touchpoint, its stage, who changed it)
    with django_assert_num_queries(3):
        response = client.get(LIST)
    assert html_of(response).count(">Change</a>") == 3 * count


# Setting a target


def test_a_manager_sets_a_touchpoint_target_and_its_journey_is_taken_from_the_touchpoint(client_of, manager):
    touchpoint = TouchpointFactory(name="Claim by phone")
    response = client_of(manager).post(CREATE, {"metric": "csat", "touchpoint": touchpoint.pk, "value": "70"})
    assert response.status_code == 302 and response.url == LIST
    target = MetricTarget.objects.get()
    assert (target.journey, target.touchpoint, target.value, target.updated_by) == (
        touchpoint.journey,
        touchpoint,
        Decimal("70"),
        manager,
    )
    html = html_of(client_of(manager).get(LIST))
    assert "CSAT target of 70% set for the touchpoint “Claim by phone”" in html


def test_the_touchpoints_to_choose_from_are_grouped_by_journey(client_of, manager):
    TouchpointFactory(name="Claim by phone", stage__name="Report", stage__journey__name="Report a claim")
    TouchpointFactory(name="Premium calculator", stage__journey__name="Open an account")
    html = html_of(client_of(manager).get(CREATE))
    assert '<optgroup label="Open an account">' in html and '<optgroup label="Report a claim">' in html
    claims = html[html.index('<optgroup label="Report a claim">') :]
    assert "Report › Claim by phone" in claims[: claims.index("</optgroup>")]


def test_the_form_can_start_from_a_scope_in_the_link(client_of, manager):
    touchpoint = TouchpointFactory()
    response = client_of(manager).get(CREATE, {"metric": "ces", "touchpoint": touchpoint.pk})
    form = response.context["form"]
    assert (form["metric"].value(), str(form["touchpoint"].value())) == ("ces", str(touchpoint.pk))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"metric": "ces", "value": "8"}, "value", "between 1 and 7"),
        ({"metric": "nps", "value": ""}, "value", "This field is required."),
        ({"metric": "", "value": "10"}, "metric", "This field is required."),
    ],
)
def test_a_bad_target_is_shown_at_its_field(client_of, manager, data, field, message):
    response = client_of(manager).post(CREATE, data)
    assert response.status_code == 422
    assert message in response.context["form"].errors[field][0]
    assert not MetricTarget.objects.exists()


def test_a_touchpoint_of_another_journey_is_shown_at_the_touchpoint(client_of, manager):
    data = {"metric": "csat", "value": "70", "journey": JourneyFactory().pk, "touchpoint": TouchpointFactory().pk}
    response = client_of(manager).post(CREATE, data)
    assert response.status_code == 422
    assert "is a touchpoint of another journey" in response.context["form"].errors["touchpoint"][0]


def test_a_second_target_of_the_same_scope_is_refused_with_a_message_not_an_error_page(client_of, manager):
    make_target(Metric.NPS, "20")
    response = client_of(manager).post(CREATE, {"metric": "nps", "value": "30"})
    assert response.status_code == 422
    assert "The whole organisation already has a target for NPS" in response.context["form"].errors["metric"][0]
    assert "already has a target for NPS" in html_of(response)
    assert list(MetricTarget.objects.values_list("value", flat=True)) == [Decimal("20")]


@pytest.mark.parametrize("count", [2, 100])
def test_the_form_runs_a_fixed_number_of_queries(client_of, manager, django_assert_num_queries, count):
    for _ in range(count):
        TouchpointFactory()
    client = client_of(manager)
    # session, user, the journeys, the touchpoints (+journey, stage)
    with django_assert_num_queries(4):
        response = client.get(CREATE)
    assert html_of(response).count("<optgroup") == count


# Changing and removing


def test_a_manager_changes_a_target(client_of, manager):
    journey = JourneyFactory(name="Open an account")
    target = make_target(Metric.NPS, "20", journey=journey)
    client = client_of(manager)
    assert "The NPS target of the journey “Open an account”" in html_of(client.get(edit_url(target)))
    data = {"metric": "nps", "journey": journey.pk, "value": "25", "version": 1}
    response = client.post(edit_url(target), data)
    assert response.status_code == 302
    stored = MetricTarget.objects.get()
    assert (stored.value, stored.version, stored.updated_by) == (Decimal("25"), 2, manager)


def test_a_stale_change_shows_the_target_as_it_is_now_and_saves_nothing(client_of, manager):
    target = make_target(Metric.CSAT, "80")
    MetricTarget.objects.filter(pk=target.pk).update(value=Decimal("85"), version=2)  # someone else saved first
    response = client_of(manager).post(edit_url(target), {"metric": "csat", "value": "70", "version": 1})
    assert response.status_code == 409
    html = html_of(response)
    assert "Someone else changed this in the meantime" in html
    assert response.context["form"].initial["value"] == Decimal("85")
    assert "Now 85%." in html
    assert MetricTarget.objects.get().value == Decimal("85")


def test_a_change_into_an_invalid_target_keeps_the_heading_on_what_is_stored(client_of, manager):
    target = make_target(Metric.CES, "5")
    response = client_of(manager).post(edit_url(target), {"metric": "ces", "value": "50", "version": 1})
    assert response.status_code == 422
    assert "between 1 and 7" in response.context["form"].errors["value"][0]
    assert "Now 5.0." in html_of(response)


def test_removing_a_target_asks_first_and_says_what_applies_after(client_of, manager):
    make_target(Metric.NPS, "20")
    target = make_target(Metric.NPS, "30", journey=JourneyFactory(name="Open an account"))
    client = client_of(manager)
    confirm = html_of(client.get(delete_url(target)))
    assert "Remove the NPS target of the journey “Open an account” (+30)?" in confirm
    assert "After this, the organisation&#x27;s NPS target of +20 applies here." in confirm
    assert MetricTarget.objects.count() == 2
    response = client.post(delete_url(target), {"version": 1})
    assert response.status_code == 302 and response.url == LIST
    assert list(MetricTarget.objects.values_list("value", flat=True)) == [Decimal("20")]


def test_removing_a_target_changed_meanwhile_is_refused(client_of, manager):
    target = make_target(Metric.NPS, "20")
    MetricTarget.objects.filter(pk=target.pk).update(value=Decimal("25"), version=2)
    response = client_of(manager).post(delete_url(target), {"version": 1})
    assert response.status_code == 409
    assert "Someone else changed this in the meantime" in html_of(response)
    assert "(+25)" in html_of(response)
    assert MetricTarget.objects.exists()


@pytest.mark.parametrize("role", [Role.PROCESS_OWNER, Role.CX_EDITOR])
def test_others_cannot_open_the_forms_nor_post_to_them(client_of, role):
    target = make_target(Metric.NPS, "20")
    client = client_of(UserFactory(role=role))
    for url in (CREATE, edit_url(target), delete_url(target)):
        response = client.get(url)
        assert response.status_code == 403, url
        assert escape(str(NOT_A_KPI_MANAGER)) in html_of(response)
    assert client.post(CREATE, {"metric": "csat", "value": "80"}).status_code == 403
    assert client.post(edit_url(target), {"metric": "nps", "value": "50", "version": 1}).status_code == 403
    assert client.post(delete_url(target), {"version": 1}).status_code == 403
    assert list(MetricTarget.objects.values_list("metric", "value")) == [(Metric.NPS, Decimal("20"))]


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("count", [2, 100])
def test_the_change_and_remove_pages_run_a_fixed_number_of_queries(
    client_of, manager, django_assert_num_queries, count
):
    touchpoints = [TouchpointFactory() for _ in range(count)]
    MetricTarget.objects.bulk_create(
        [MetricTarget(metric=Metric.CSAT, value=Decimal(70), journey=t.journey, touchpoint=t) for t in touchpoints]
    )
    target = MetricTarget.objects.first()
    client = client_of(manager)
    # session, user, the target (+journey, touchpoint, who changed it), the journeys, the touchpoints (+journey, stage)
    with django_assert_num_queries(5):
        assert html_of(client.get(edit_url(target))).count("<optgroup") == count
    # session, user, the target (+journey, touchpoint, who changed it), every target (what applies after)
    with django_assert_num_queries(4):
        assert "Yes, remove the target" in html_of(client.get(delete_url(target)))


def test_in_dutch_the_button_that_changes_a_target_is_a_verb(client_of, manager, settings):
    """ "Change" is both a verb (this button) and a noun (a column of differences elsewhere): the button says
    "Wijzigen", not "Verandering"."""
    make_target(Metric.CSAT, "80")
    client = client_of(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = html_of(client.get(LIST))
    assert ">Wijzigen</a>" in html and "Verandering" not in html

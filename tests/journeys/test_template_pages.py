"""Journey templates, the pages: the new-journey page, the templates list, save as template, delete."""

import pytest
from django.urls import reverse

from journeys.models import Journey, JourneyTemplate, Touchpoint
from journeys.services.templates import shipped_template, template_save
from tests.journeys.factories import JourneyFactory, JourneyGroupFactory, StageFactory, TouchpointFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("editors_edit_every_group")]


def saved_template(user, name="Our claims map", stages=("Report", "Assess")) -> JourneyTemplate:
    journey = JourneyFactory(name=name)
    for stage_name in stages:
        TouchpointFactory(stage=StageFactory(journey=journey, name=stage_name), name=f"{stage_name} by phone")
    return template_save(journey=journey, name=name, created_by=user)


def new_journey(client, template: str, **extra):
    group = JourneyGroupFactory()
    data = {"name": "Claims 2027", "group": group.pk, "state": "current", "phase": "discover", "template": template}
    return client.post(reverse("journeys:create"), {**data, **extra})


class TestNewJourneyPage:
    def test_it_offers_a_blank_map_the_shipped_templates_and_the_organisations(self, editor_client, cx_editor):
        saved_template(cx_editor)
        page = editor_client.get(reverse("journeys:create")).content.decode()
        assert "A blank map" in page
        assert 'value="shipped:insurance-claim"' in page and "Report an insurance claim" in page
        assert "Apply for a municipal permit" in page
        assert 'value="saved:' in page and "Our claims map" in page
        assert "Incident and first steps" in page  # the preview names the stages

    def test_in_dutch_it_offers_the_dutch_templates(self, editor_client):
        editor_client.cookies["django_language"] = "nl"
        page = editor_client.get(reverse("journeys:create"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert "Schade melden" in page and "Een bankrekening openen" in page
        assert "Report an insurance claim" not in page

    def test_another_template_language_can_be_chosen(self, editor_client):
        page = editor_client.get(reverse("journeys:create") + "?template_language=nl").content.decode()
        assert "Schade melden" in page

    def test_a_journey_created_from_a_shipped_template_has_its_map(self, editor_client):
        response = new_journey(editor_client, "shipped:moving-house")
        journey = Journey.objects.get(name="Claims 2027")
        assert response.status_code == 302 and response.url == reverse("journeys:map", args=[journey.pk])
        expected = shipped_template(slug="moving-house", language="en").summary
        assert list(journey.stages.values_list("name", flat=True)) == expected.stage_names
        assert Touchpoint.objects.filter(journey=journey).count() == expected.touchpoint_count

    def test_the_posted_language_picks_the_file(self, editor_client):
        new_journey(editor_client, "shipped:moving-house", template_language="nl")
        journey = Journey.objects.get(name="Claims 2027")
        assert journey.stages.first().name == "Verhuizing voorbereiden"

    def test_an_unknown_template_language_falls_back_to_the_users(self, editor_client):
        new_journey(editor_client, "shipped:moving-house", template_language="xx")
        journey = Journey.objects.get(name="Claims 2027")
        assert journey.stages.first().name == "Plan the move"

    def test_a_journey_created_from_an_organisation_template_has_its_map(self, editor_client, cx_editor):
        template = saved_template(cx_editor, stages=("Report", "Assess", "Pay"))
        new_journey(editor_client, f"saved:{template.pk}")
        journey = Journey.objects.get(name="Claims 2027")
        assert list(journey.stages.values_list("name", flat=True)) == ["Report", "Assess", "Pay"]

    def test_a_blank_journey_has_no_stages(self, editor_client):
        new_journey(editor_client, "")
        assert not Journey.objects.get(name="Claims 2027").stages.exists()

    def test_an_unknown_template_is_refused_on_the_field_and_nothing_is_written(self, editor_client):
        response = new_journey(editor_client, "saved:999999")
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert not Journey.objects.filter(name="Claims 2027").exists()

    def test_a_damaged_organisation_template_is_refused_with_the_reason(self, editor_client, cx_editor):
        template = saved_template(cx_editor)
        template.document["stages"][0]["touchpoints"][0]["emotion"] = 9
        template.save()
        response = new_journey(editor_client, f"saved:{template.pk}")
        page = response.content.decode()
        assert response.status_code == 200
        assert "This template cannot be used" in page and "stages[0].touchpoints[0].emotion" in page
        assert not Journey.objects.filter(name="Claims 2027").exists()

    def test_a_manager_cannot_create_a_journey_from_a_template(self, client_of, manager):
        response = new_journey(client_of(manager), "shipped:bank-account")
        assert response.status_code == 403
        assert not Journey.objects.exists()

    @pytest.mark.parametrize("count", [1, 30])
    def test_the_page_runs_a_fixed_number_of_queries(self, editor_client, cx_editor, django_assert_num_queries, count):
        for index in range(count):
            saved_template(cx_editor, name=f"Template {index}")
        JourneyGroupFactory.create_batch(3)
        # session, user, groups (which the editor may use), the organisation's templates (+ who saved them),
        # the form's choices: groups, personas, chain owners
        with django_assert_num_queries(7):
            editor_client.get(reverse("journeys:create"))


class TestTemplatesList:
    def test_it_shows_both_kinds_with_a_preview(self, client_of, manager, cx_editor):
        saved_template(cx_editor, stages=("Report", "Assess"))
        page = client_of(manager).get(reverse("journeys:templates")).content.decode()
        assert "Our claims map" in page and "Saved by Emma" in page
        assert "2 stages" in page and "2 touchpoints" in page
        assert "Open a bank account" in page
        assert "Start a journey from it" not in page  # a manager does not create journeys

    def test_an_editor_can_start_from_each(self, editor_client):
        page = editor_client.get(reverse("journeys:templates")).content.decode()
        assert "?template=shipped%3Abank-account&amp;template_language=en" in page

    def test_only_admins_and_the_one_who_saved_it_see_delete(self, client_of, cx_editor, outsider, admin_user):
        template = saved_template(cx_editor)
        delete_url = reverse("journeys:template-delete", args=[template.pk])
        assert delete_url in client_of(cx_editor).get(reverse("journeys:templates")).content.decode()
        assert delete_url not in client_of(outsider).get(reverse("journeys:templates")).content.decode()
        assert delete_url in client_of(admin_user).get(reverse("journeys:templates")).content.decode()

    def test_it_needs_a_login(self, client):
        response = client.get(reverse("journeys:templates"))
        assert response.status_code == 302 and "login" in response.url

    @pytest.mark.parametrize("count", [1, 30])
    def test_it_runs_a_fixed_number_of_queries(self, editor_client, cx_editor, django_assert_num_queries, count):
        for index in range(count):
            saved_template(cx_editor, name=f"Template {index}")
        # session, user, the organisation's templates (+ who saved them)
        with django_assert_num_queries(3):
            editor_client.get(reverse("journeys:templates"))

    def test_names_are_escaped(self, editor_client, cx_editor):
        saved_template(cx_editor, name="<script>alert(1)</script>")
        page = editor_client.get(reverse("journeys:templates")).content.decode()
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


class TestSaveAsTemplate:
    def test_an_editor_saves_a_journey_as_a_template(self, editor_client, cx_editor):
        journey = JourneyFactory(name="Claims")
        StageFactory(journey=journey, name="Report")
        url = reverse("journeys:template-save", args=[journey.pk])
        assert "Claims" in editor_client.get(url).content.decode()
        response = editor_client.post(url, {"name": "Claims, our way", "description": "For claims teams"})
        assert response.status_code == 302 and response.url == reverse("journeys:templates")
        template = JourneyTemplate.objects.get()
        assert (template.name, template.created_by, template.document["stages"][0]["name"]) == (
            "Claims, our way",
            cx_editor,
            "Report",
        )

    def test_the_map_offers_it(self, editor_client):
        journey = JourneyFactory()
        page = editor_client.get(reverse("journeys:map", args=[journey.pk])).content.decode()
        assert reverse("journeys:template-save", args=[journey.pk]) in page

    def test_a_name_is_required(self, editor_client):
        journey = JourneyFactory()
        response = editor_client.post(reverse("journeys:template-save", args=[journey.pk]), {"name": ""})
        assert response.status_code == 200 and 'class="field has-error"' in response.content.decode()
        assert not JourneyTemplate.objects.exists()

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_a_manager_cannot(self, client_of, manager, method):
        journey = JourneyFactory()
        response = getattr(client_of(manager), method)(
            reverse("journeys:template-save", args=[journey.pk]), {"name": "Mine"}
        )
        assert response.status_code == 403
        assert not JourneyTemplate.objects.exists()


class TestDeleteTemplate:
    def test_the_one_who_saved_it_deletes_it_after_confirming(self, client_of, cx_editor):
        template = saved_template(cx_editor)
        client = client_of(cx_editor)
        url = reverse("journeys:template-delete", args=[template.pk])
        page = client.get(url).content.decode()
        assert "Delete the template “Our claims map”?" in page
        assert JourneyTemplate.objects.exists()  # showing the confirmation deletes nothing
        response = client.post(url)
        assert response.status_code == 302 and not JourneyTemplate.objects.exists()

    def test_an_admin_deletes_anyones(self, client_of, cx_editor, admin_user):
        template = saved_template(cx_editor)
        client_of(admin_user).post(reverse("journeys:template-delete", args=[template.pk]))
        assert not JourneyTemplate.objects.exists()

    @pytest.mark.parametrize("who", ["outsider", "manager"])
    def test_another_editor_or_a_manager_cannot(self, request, client_of, cx_editor, who):
        template = saved_template(cx_editor)
        response = client_of(request.getfixturevalue(who)).post(reverse("journeys:template-delete", args=[template.pk]))
        assert response.status_code == 403 and JourneyTemplate.objects.exists()

    def test_a_journey_started_from_it_stays(self, client_of, cx_editor, editor_client):
        template = saved_template(cx_editor)
        new_journey(editor_client, f"saved:{template.pk}")
        editor_client.post(reverse("journeys:template-delete", args=[template.pk]))
        assert Journey.objects.get(name="Claims 2027").stages.count() == 2

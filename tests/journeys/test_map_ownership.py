"""The map editor page with the teams app's edit policy. The journey fixture is in conftest.py."""

import pytest
from django.urls import reverse

from journeys.models import Stage
from journeys.permissions import NOT_THIS_JOURNEY_REASON
from tests.journeys.map_page_data import HTMX, map_url

pytestmark = pytest.mark.django_db


class TestOwnership:
    """With the teams app's policy: a CX editor changes only the maps of the groups their team owns."""

    @pytest.fixture(autouse=True)
    def team_policy(self, settings):
        settings.JOURNEY_EDIT_POLICY = "teams.permissions.can_edit_journey"

    def test_an_editor_outside_the_owning_team_reads_the_map_and_cannot_change_it(self, editor_client, journey):
        content = editor_client.get(map_url(journey)).content.decode()
        assert "Compare on website" in content
        assert "hx-post" not in content
        stage = journey.stages.get(name="Apply")
        url = reverse("journeys:stage-edit", args=[journey.pk, stage.pk])
        response = editor_client.post(url, {"name": "Not mine", "version": 1}, **HTMX)
        assert response.status_code == 403
        assert str(NOT_THIS_JOURNEY_REASON) in response.content.decode().replace("&#x27;", "'")
        assert Stage.objects.get(pk=stage.pk).name == "Apply"

    def test_an_editor_in_the_owning_team_edits_it(self, editor_client, cx_editor, journey, django_assert_num_queries):
        from tests.teams.factories import MembershipFactory, TeamFactory

        MembershipFactory(user=cx_editor, team=TeamFactory(journey_groups=[journey.group]))
        # session, user, journey, personas, stages, touchpoints, findings, measured cells, targets, the
        # touchpoints' top complaints (theme mentions); the policy: memberships, owned groups
        with django_assert_num_queries(12):
            content = editor_client.get(map_url(journey)).content.decode()
        assert "Add a stage" in content
        stage = journey.stages.get(name="Apply")
        url = reverse("journeys:stage-edit", args=[journey.pk, stage.pk])
        assert editor_client.post(url, {"name": "Mine", "version": 1}, **HTMX).status_code == 200
        assert Stage.objects.get(pk=stage.pk).name == "Mine"

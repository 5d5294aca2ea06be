"""The journeys list, journey and persona forms, future state and comparison, export and import pages."""

import html
import io
import json

import pytest
from django.urls import reverse

from journeys.models import Journey, JourneyState, Persona
from journeys.services import journey_create_future_state
from journeys.services.transfer import journey_export
from tests.journeys.factories import JourneyFactory, JourneyGroupFactory, PersonaFactory, build_map
from tests.stale_forms import conflict_rows, hidden_value, resend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def editors_edit_every_group(settings):
    """These tests are about the pages; which journeys an editor owns is tested at the end of this module."""
    settings.JOURNEY_EDIT_POLICY = None


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def names(response) -> list[str]:
    return [journey.name for journey in response.context["page"].object_list]


def test_the_list_filters_by_search_group_persona_state_and_phase(editor_client):
    becoming, staying = JourneyGroupFactory(name="Becoming"), JourneyGroupFactory(name="Staying")
    sam = PersonaFactory(name="Sam")
    JourneyFactory(name="Open an account", group=becoming, personas=[sam], phase="define")
    JourneyFactory(name="Renew the contract", group=staying, description="Yearly renewal", phase="discover")
    current = JourneyFactory(name="Report a claim", group=staying)
    journey_create_future_state(journey=current)
    url = reverse("journeys:index")
    assert len(names(editor_client.get(url))) == 4
    assert names(editor_client.get(url, {"search": "renewal"})) == ["Renew the contract"]
    assert names(editor_client.get(url, {"group": becoming.pk})) == ["Open an account"]
    assert names(editor_client.get(url, {"persona": sam.pk})) == ["Open an account"]
    assert names(editor_client.get(url, {"state": "future"})) == ["Report a claim (future state)"]
    assert names(editor_client.get(url, {"phase": "define"})) == ["Open an account"]
    empty = editor_client.get(url, {"search": "nothing like this"}).content.decode()
    assert "No journeys match these filters" in empty


def test_the_list_is_paginated_and_keeps_the_filters_in_the_page_links(editor_client):
    group = JourneyGroupFactory()
    JourneyFactory.create_batch(30, group=group)
    response = editor_client.get(reverse("journeys:index"), {"group": group.pk})
    assert len(names(response)) == 25
    assert f"?group={group.pk}&amp;page=2" in response.content.decode()
    assert len(names(editor_client.get(reverse("journeys:index"), {"group": group.pk, "page": 2}))) == 5


@pytest.mark.parametrize("count", [2, 60])
def test_the_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    group = JourneyGroupFactory()
    persona = PersonaFactory()
    for journey in JourneyFactory.create_batch(count, group=group):
        journey.personas.add(persona)
    # session, user, count, page of journeys (+group, owner, sizes), personas, filter options: groups, personas
    with django_assert_num_queries(7):
        editor_client.get(reverse("journeys:index"))


def test_an_editor_creates_a_journey_and_lands_on_its_map(editor_client):
    group = JourneyGroupFactory()
    response = editor_client.post(
        reverse("journeys:create"), {"name": "Move house", "group": group.pk, "state": "current", "phase": "discover"}
    )
    journey = Journey.objects.get(name="Move house")
    assert response["Location"] == reverse("journeys:map", args=[journey.pk])


def test_a_journey_without_a_name_is_refused_naming_the_field(editor_client):
    response = editor_client.post(reverse("journeys:create"), {"name": "", "group": JourneyGroupFactory().pk})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Journey.objects.exists()


def test_a_stale_journey_edit_is_refused_and_keeps_mine_beside_theirs(editor_client):
    journey = JourneyFactory(name="Original", description="")
    url = reverse("journeys:edit", args=[journey.pk])
    opened = hidden_value(editor_client.get(url).content.decode(), "_base")
    data = {"name": "Mine", "group": journey.group.pk, "state": "current", "phase": "discover", "version": 1}
    Journey.objects.filter(pk=journey.pk).update(name="Theirs", description="Their words", version=2)
    response = editor_client.post(url, {**data, "_base": opened})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this in the meantime." in html
    assert 'value="Mine"' in html  # what I typed is kept
    rows = conflict_rows(html)
    assert (rows["name"]["theirs"], rows["name"]["checked"]) == ("Theirs", "yours")
    assert (rows["description"]["theirs"], rows["description"]["checked"]) == ("Their words", "theirs")
    assert Journey.objects.get(pk=journey.pk).name == "Theirs"
    assert editor_client.post(url, resend(response)).status_code == 302
    journey.refresh_from_db()
    assert (journey.name, journey.description, journey.version) == ("Mine", "Their words", 3)


def test_deleting_a_journey_asks_first(editor_client):
    journey = build_map(stages=2, touchpoints_per_stage=3)
    confirm = editor_client.get(reverse("journeys:delete", args=[journey.pk])).content.decode()
    assert "Its 2 stages and 6 touchpoints, with all findings, are deleted too." in confirm
    assert Journey.objects.filter(pk=journey.pk).exists()
    editor_client.post(reverse("journeys:delete", args=[journey.pk]), {"version": journey.version})
    assert not Journey.objects.filter(pk=journey.pk).exists()


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "journeys:create", []),
        ("post", "journeys:edit", [1]),
        ("post", "journeys:delete", [1]),
        ("post", "journeys:future-state", [1]),
        ("post", "journeys:import", []),
        ("post", "journeys:persona-create", []),
        ("post", "journeys:persona-delete", [1]),
    ],
)
def test_a_manager_cannot_change_journeys(manager_client, method, name, args):
    JourneyFactory(pk=1)
    PersonaFactory(pk=1)
    response = getattr(manager_client, method)(reverse(name, args=args))
    assert response.status_code == 403
    assert "Only CX editors and admins can change journey maps." in response.content.decode()
    assert Journey.objects.count() == 1 and Persona.objects.count() == 1


def test_a_manager_sees_no_editing_buttons(manager_client):
    JourneyFactory()
    html = manager_client.get(reverse("journeys:index")).content.decode()
    assert "New journey" not in html and "Import" not in html


def test_create_future_state_copies_the_journey_and_opens_it(editor_client):
    current = build_map(stages=2, touchpoints_per_stage=2)
    response = editor_client.post(reverse("journeys:future-state", args=[current.pk]))
    future = Journey.objects.get(state=JourneyState.FUTURE)
    assert future.current_state == current
    assert response["Location"] == reverse("journeys:map", args=[future.pk])


def test_the_compare_page_marks_changes(editor_client):
    current = build_map(stages=1, touchpoints_per_stage=2)
    future = journey_create_future_state(journey=current)
    future.touchpoints.filter(position=0).update(emotion=2)
    html = editor_client.get(reverse("journeys:compare", args=[future.pk])).content.decode()
    assert "1 changed" in html and "0 added" in html
    assert 'class="compare-tp is-changed"' in html


def test_json_export_downloads_and_imports_again_as_a_copy(editor_client):
    journey = build_map(stages=2, touchpoints_per_stage=2, findings_per_touchpoint=1, name="Open an account")
    response = editor_client.get(reverse("journeys:export-json", args=[journey.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="open-an-account.json"'
    upload = io.BytesIO(response.content)
    upload.name = "open-an-account.json"
    imported = editor_client.post(reverse("journeys:import"), {"file": upload, "name": ""}, follow=True)
    copy = Journey.objects.get(name="Open an account (imported)")
    assert imported.redirect_chain[-1][0] == reverse("journeys:map", args=[copy.pk])
    assert copy.touchpoints.count() == 4 and copy.findings.count() == 4


def test_a_bad_import_file_lists_its_problems_and_imports_nothing(editor_client):
    data = journey_export(journey=build_map(stages=1, touchpoints_per_stage=1))
    data["stages"][0]["touchpoints"][0]["emotion"] = 9
    upload = io.BytesIO(json.dumps(data).encode())
    upload.name = "bad.json"
    before = Journey.objects.count()
    html = editor_client.post(reverse("journeys:import"), {"file": upload}).content.decode()
    assert "The file was not imported: 1 problem." in html
    assert "stages[0].touchpoints[0].emotion: Ensure this value is less than or equal to 2." in html
    assert Journey.objects.count() == before


def test_csv_export_has_a_row_per_touchpoint(editor_client):
    journey = build_map(stages=2, touchpoints_per_stage=3)
    response = editor_client.get(reverse("journeys:export-csv", args=[journey.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 7


def test_the_csv_download_does_not_let_a_touchpoint_name_run_as_a_formula(editor_client):
    journey = build_map(stages=1, touchpoints_per_stage=1)
    journey.touchpoints.update(name='=HYPERLINK("http://x","y")')
    response = editor_client.get(reverse("journeys:export-csv", args=[journey.pk]))
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffjourney,")  # a byte-order mark: Excel reads the UTF-8
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in body.splitlines()[1]


def test_persona_pages_list_their_journeys(editor_client):
    sam = PersonaFactory(name="Starter Sam", quote="Keep it simple")
    JourneyFactory(name="Open an account", personas=[sam])
    JourneyFactory(name="Unrelated")
    html = editor_client.get(reverse("journeys:persona", args=[sam.pk])).content.decode()
    assert "Open an account" in html and "Unrelated" not in html
    assert "Keep it simple" in html
    listing = editor_client.get(reverse("journeys:personas")).content.decode()
    assert "Starter Sam" in listing and "1 journey" in listing


def test_an_editor_creates_and_edits_a_persona(editor_client):
    response = editor_client.post(
        reverse("journeys:persona-create"), {"name": "Loyal Lisa", "segment": "60+", "colour": "#7c3aed"}
    )
    lisa = Persona.objects.get(name="Loyal Lisa")
    assert response["Location"] == reverse("journeys:persona", args=[lisa.pk])
    bad = editor_client.post(reverse("journeys:persona-edit", args=[lisa.pk]), {"name": "Lisa", "colour": "purple"})
    assert bad.status_code == 200
    assert Persona.objects.get(pk=lisa.pk).colour == "#7c3aed"


def test_the_demo_journeys_meet_the_brief(editor_client):
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    current = Journey.objects.filter(state=JourneyState.CURRENT)
    assert {j.group.slug for j in current} == {"becoming-a-customer", "being-a-customer", "staying-a-customer"}
    for journey in current:
        assert 4 <= journey.stages.count() <= 7, journey
        assert 15 <= journey.touchpoints.count() <= 40, journey
        assert journey.personas.exists() and journey.findings.exists()
        assert journey.touchpoints.values("channel").distinct().count() >= 4
        assert journey.touchpoints.filter(owner__isnull=False).exists()
    assert Journey.objects.filter(state=JourneyState.FUTURE).count() == 1


class TestOwnership:
    """With the teams app's policy: CX editors change only the journeys of the groups their team owns."""

    @pytest.fixture(autouse=True)
    def team_policy(self, settings):
        settings.JOURNEY_EDIT_POLICY = "teams.permissions.can_edit_journey"

    def test_an_editor_outside_the_owning_team_cannot_change_the_journey(self, editor_client):
        journey = JourneyFactory(name="Not mine")
        for name in ("journeys:edit", "journeys:delete", "journeys:future-state"):
            response = editor_client.post(reverse(name, args=[journey.pk]))
            assert response.status_code == 403, name
            assert "Only CX editors of a team that owns this journey's group" in html.unescape(
                response.content.decode()
            )
        assert Journey.objects.get(pk=journey.pk).name == "Not mine"

    def test_an_editor_in_the_owning_team_can(self, editor_client, cx_editor):
        from tests.teams.factories import MembershipFactory, TeamFactory

        journey = JourneyFactory(name="Mine")
        MembershipFactory(user=cx_editor, team=TeamFactory(journey_groups=[journey.group]))
        data = {"name": "Mine, renamed", "group": journey.group.pk, "state": "current", "phase": "define", "version": 1}
        response = editor_client.post(reverse("journeys:edit", args=[journey.pk]), data)
        assert response.status_code == 302
        assert Journey.objects.get(pk=journey.pk).name == "Mine, renamed"

    def test_an_editor_cannot_create_a_journey_in_a_group_their_team_does_not_own(self, editor_client):
        group = JourneyGroupFactory()
        data = {"name": "Sneaky", "group": group.pk, "state": "current", "phase": "discover"}
        response = editor_client.post(reverse("journeys:create"), data)
        assert "Select a valid choice." in response.content.decode()  # the group is not even offered
        assert not Journey.objects.filter(name="Sneaky").exists()

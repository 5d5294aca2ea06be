"""Keys people can read (journeys.keys): edited in the journey form and the map's dialogs, checked for shape and
uniqueness with a message naming the part that holds the key, aliases on touchpoints, shown on the map, and
carried through an export and an import."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from journeys import services
from journeys.models import Journey, Stage, Touchpoint
from journeys.services.share_links import share_link_create
from journeys.services.transfer import journey_export, journey_export_csv, journey_import
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory
from tests.journeys.map_page_data import HTMX, map_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("editors_edit_every_group")]


@pytest.fixture
def claims():
    journey = JourneyFactory(name="Report a claim")
    stage = StageFactory(journey=journey, name="Report")
    phone = TouchpointFactory(stage=stage, name="Claim by phone")
    web = TouchpointFactory(stage=stage, name="Claim online")
    return journey, stage, phone, web


def edit_touchpoint(client, touchpoint, **changes):
    touchpoint.refresh_from_db()
    data = {
        "name": touchpoint.name,
        "key": touchpoint.key,
        "aliases": "\n".join(touchpoint.aliases),
        "emotion": touchpoint.emotion,
        "version": touchpoint.version,
    }
    data.update(changes)
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    return client.post(url, data, **HTMX)


# Keys made from names


def test_every_part_gets_a_readable_key_from_its_name(claims):
    journey, stage, phone, web = claims
    assert (journey.key, stage.key, phone.key, web.key) == (
        "report-a-claim",
        "report",
        "claim-by-phone",
        "claim-online",
    )


# The map's dialogs


def test_the_touchpoint_dialog_shows_the_key_and_aliases_and_warns_about_changing_the_key(editor_client, claims):
    journey, _stage, phone, _web = claims
    phone.aliases = ["Q7", "phone claim"]
    phone.save()
    content = editor_client.get(reverse("journeys:touchpoint-edit", args=[journey.pk, phone.pk]), **HTMX)
    html = content.content.decode()
    assert 'value="claim-by-phone"' in html
    assert "Q7\nphone claim</textarea>" in html
    assert "must be updated when you change it" in html


def test_a_key_and_aliases_are_saved_from_the_dialog(editor_client, claims):
    _journey, _stage, phone, _web = claims
    response = edit_touchpoint(editor_client, phone, key="phone-claim", aliases="Q7, call centre\nQ7\n  TEL  ")
    assert response.status_code == 200
    phone.refresh_from_db()
    assert phone.key == "phone-claim"
    assert phone.aliases == ["Q7", "call centre", "TEL"]  # the repeated Q7 once, spaces trimmed


def test_a_key_of_the_wrong_shape_is_refused_in_the_dialog(editor_client, claims):
    _journey, _stage, phone, _web = claims
    response = edit_touchpoint(editor_client, phone, key="Claim by phone!")
    assert response.status_code == 422
    assert "Use lower-case letters, digits and hyphens" in response.content.decode()
    phone.refresh_from_db()
    assert phone.key == "claim-by-phone"


def test_a_key_another_touchpoint_has_is_refused_naming_it(editor_client, claims):
    _journey, _stage, phone, web = claims
    response = edit_touchpoint(editor_client, phone, key=web.key)
    assert response.status_code == 422
    html = response.content.decode()
    assert "The touchpoint “Claim online” of this journey has the key “claim-online” already" in html
    phone.refresh_from_db()
    assert phone.key == "claim-by-phone"


def test_the_same_key_in_another_journey_is_fine(editor_client, claims):
    _journey, _stage, phone, _web = claims
    other = TouchpointFactory(stage=StageFactory(journey=JourneyFactory(name="Elsewhere")), name="Other")
    assert edit_touchpoint(editor_client, other, key=phone.key).status_code == 200
    other.refresh_from_db()
    assert other.key == "claim-by-phone"


def test_an_alias_that_names_another_touchpoint_is_refused_naming_it(editor_client, claims):
    _journey, _stage, phone, web = claims
    web.aliases = ["WEB-1"]
    web.save()
    response = edit_touchpoint(editor_client, phone, aliases="web-1")
    assert response.status_code == 422
    assert "The alias “web-1” is an alias of the touchpoint “Claim online” of this journey already." in (
        response.content.decode()
    )
    response = edit_touchpoint(editor_client, phone, aliases="Claim-Online")
    assert "The alias “Claim-Online” is the key of the touchpoint “Claim online” of this journey." in (
        response.content.decode()
    )
    phone.refresh_from_db()
    assert phone.aliases == []


def test_more_than_twenty_aliases_are_refused(editor_client, claims):
    _journey, _stage, phone, _web = claims
    response = edit_touchpoint(editor_client, phone, aliases="\n".join(f"code-{n}" for n in range(21)))
    assert response.status_code == 422
    assert "At most 20 aliases; this has 21." in response.content.decode()


def test_an_emptied_key_is_kept_on_an_edit(editor_client, claims):
    _journey, _stage, phone, _web = claims
    assert edit_touchpoint(editor_client, phone, key="", name="Claim by telephone").status_code == 200
    phone.refresh_from_db()
    assert (phone.name, phone.key) == ("Claim by telephone", "claim-by-phone")


def test_a_new_touchpoint_with_a_taken_key_is_refused_and_nothing_is_added(editor_client, claims):
    journey, stage, _phone, _web = claims
    url = reverse("journeys:touchpoint-create", args=[journey.pk, stage.pk])
    response = editor_client.post(url, {"name": "Claim by mail", "key": "claim-online", "emotion": 0}, **HTMX)
    assert response.status_code == 422
    assert "has the key “claim-online” already" in response.content.decode()
    assert not Touchpoint.objects.filter(name="Claim by mail").exists()


def test_a_stage_key_is_edited_and_a_taken_one_refused(editor_client, claims):
    journey, _stage, _phone, _web = claims
    other = StageFactory(journey=journey, name="Assess")
    url = reverse("journeys:stage-edit", args=[journey.pk, other.pk])
    response = editor_client.post(url, {"name": "Assess", "key": "report", "version": other.version}, **HTMX)
    assert response.status_code == 422
    assert "The stage “Report” of this journey has the key “report” already" in response.content.decode()
    response = editor_client.post(url, {"name": "Assess", "key": "assessment", "version": other.version}, **HTMX)
    assert response.status_code == 200
    assert Stage.objects.get(pk=other.pk).key == "assessment"


# The journey's form


def test_the_journey_form_edits_the_key_and_refuses_one_another_journey_has(editor_client, claims):
    journey, *_ = claims
    JourneyFactory(name="Open an account")
    url = reverse("journeys:edit", args=[journey.pk])
    form = {
        "name": journey.name,
        "group": journey.group_id,
        "state": journey.state,
        "phase": journey.phase,
        "version": journey.version,
    }
    page = editor_client.get(url).content.decode()
    assert 'value="report-a-claim"' in page
    assert "must be updated when you change it" in page
    response = editor_client.post(url, {**form, "key": "open-an-account"})
    assert response.status_code == 200
    assert "The journey “Open an account” has the key “open-an-account” already" in response.content.decode()
    response = editor_client.post(url, {**form, "key": "claims"})
    assert response.status_code == 302
    journey.refresh_from_db()
    assert journey.key == "claims"


def test_a_key_taken_at_the_same_moment_is_a_message_not_a_server_error(claims, monkeypatch):
    """Two saves racing for one key: the database's unique constraint refuses the second, as a ValidationError."""
    _journey, _stage, phone, web = claims
    # The other save commits between this one's checks and its write: neither check sees it.
    monkeypatch.setattr("journeys.services.map.check_touchpoint_keys", lambda touchpoint: None)
    monkeypatch.setattr(Touchpoint, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as refused:
        services.touchpoint_update(touchpoint=phone, expected_version=phone.version, key=web.key)
    assert "key" in refused.value.message_dict


# On the map


def test_cards_and_stages_have_a_menu_with_their_key_and_the_header_the_journeys(editor_client, claims):
    journey, stage, phone, _web = claims
    html = editor_client.get(map_url(journey)).content.decode()
    assert f'id="tp-{phone.pk}-menu"' in html
    assert 'data-copy-key="claim-by-phone"' in html
    assert f'id="stage-{stage.pk}-menu"' in html
    assert 'data-copy-key="report"' in html
    assert "<code>report-a-claim</code>" in html  # the journey's key in the header


def test_a_shared_map_shows_no_keys(client, claims, cx_editor):
    journey, *_ = claims
    _link, token = share_link_create(journey=journey, created_by=cx_editor)
    response = client.get(reverse("shared-map", args=[token]))
    assert response.status_code == 200
    assert "Claim by phone" in response.content.decode()
    assert "data-copy-key" not in response.content.decode()
    assert "report-a-claim" not in response.content.decode()


# Export and import


def test_an_export_carries_keys_and_aliases_and_an_import_keeps_them(claims):
    journey, _stage, phone, _web = claims
    phone.aliases = ["Q7"]
    phone.save()
    data = journey_export(journey=journey)
    assert data["journey"]["key"] == "report-a-claim"
    assert data["stages"][0]["key"] == "report"
    assert data["stages"][0]["touchpoints"][0]["key"] == "claim-by-phone"
    assert data["stages"][0]["touchpoints"][0]["aliases"] == ["Q7"]
    csv_text = journey_export_csv(journey=journey)
    assert "stage_key,touchpoint_key,touchpoint_aliases" in csv_text.splitlines()[0]
    assert "report,claim-by-phone,Q7" in csv_text

    copy = journey_import(data=json.loads(json.dumps(data)), name="Claims copy")
    imported = copy.journey
    # The original keeps its key: the copy gets the next free one; the parts keep theirs (keys are per journey).
    assert imported.key == "report-a-claim-2"
    assert copy.warnings == []
    touchpoints = {tp.name: tp for tp in Touchpoint.objects.filter(journey=imported)}
    assert touchpoints["Claim by phone"].key == "claim-by-phone"
    assert touchpoints["Claim by phone"].aliases == ["Q7"]
    assert Stage.objects.get(journey=imported).key == "report"


def test_an_import_without_keys_fills_them_and_makes_repeated_keys_unique():
    journey = JourneyFactory(name="Source")
    data = journey_export(journey=journey)
    data["journey"].pop("key")
    data["stages"] = [
        {"name": "One", "key": "same", "touchpoints": [{"name": "A", "key": "tp"}, {"name": "B", "key": "tp"}]},
        {"name": "Two", "key": "same", "touchpoints": [{"name": "C", "aliases": ["a", "tp"]}]},
    ]
    result = journey_import(data=data, name="Filled")
    imported = result.journey
    assert imported.key == "filled"
    assert list(Stage.objects.filter(journey=imported).order_by("position").values_list("key", flat=True)) == [
        "same",
        "same-2",
    ]
    keys = dict(Touchpoint.objects.filter(journey=imported).values_list("name", "key"))
    assert keys == {"A": "tp", "B": "tp-2", "C": "c"}
    # "tp" names touchpoint A: as C's alias it would name two touchpoints, so it is left out, with a warning.
    assert Touchpoint.objects.get(journey=imported, name="C").aliases == ["a"]
    assert any("“tp” also names “A”" in warning for warning in result.warnings)


def test_an_import_with_a_badly_shaped_key_is_refused_naming_its_place():
    journey = JourneyFactory(name="Source")
    StageFactory(journey=journey, name="One")
    data = journey_export(journey=journey)
    data["stages"][0]["key"] = "Not A Key"
    with pytest.raises(ValidationError) as refused:
        journey_import(data=data)
    assert any(message.startswith("stages[0].key") for message in refused.value.messages)
    assert not Journey.objects.filter(name__endswith="(imported)").exists()

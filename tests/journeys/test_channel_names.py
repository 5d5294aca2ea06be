"""Channels are data, so their names follow the active language through the channel's own Dutch name."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from journeys.models import Channel, Touchpoint
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def editors_edit_every_group(settings):
    settings.JOURNEY_EDIT_POLICY = None


@pytest.fixture
def dutch(editor_client):
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return editor_client


@pytest.fixture
def journey():
    journey = JourneyFactory(name="Schade melden")
    stage = StageFactory(journey=journey, name="Melden")
    TouchpointFactory(stage=stage, name="Bellen met de schadelijn", channel=Channel.objects.get(slug="phone"))
    TouchpointFactory(stage=stage, name="Brief ontvangen", channel=Channel.objects.get(slug="letter"))
    return journey


def card_channels(html: str) -> list[str]:
    return re.findall(r'<span class="tp-channel">(.*?)</span>', html)


def test_every_default_channel_has_a_dutch_name():
    assert dict(Channel.objects.values_list("slug", "name_nl")) == {
        "web": "Website",
        "app": "App",
        "phone": "Telefoon",
        "store": "Winkel",
        "email": "E-mail",
        "chat": "Chat",
        "social": "Sociale media",
        "letter": "Brief",
    }


def test_the_map_cards_name_the_channel_in_dutch_for_a_dutch_user(dutch, editor_client, journey):
    html = dutch.get(reverse("journeys:map", args=[journey.pk])).content.decode()
    assert card_channels(html) == ["Telefoon", "Brief"]
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = editor_client.get(reverse("journeys:map", args=[journey.pk])).content.decode()
    assert card_channels(html) == ["Phone", "Letter"]


def test_the_edit_dialog_offers_the_channels_by_their_dutch_names(dutch, journey):
    touchpoint = journey.touchpoints.first()
    html = dutch.get(reverse("journeys:touchpoint-edit", args=[journey.pk, touchpoint.pk])).content.decode()
    select = re.search(r'<select name="channel".*?</select>', html, re.S).group(0)
    options = re.findall(r"<option[^>]*>(.*?)</option>", select)
    assert options[1:] == ["Website", "App", "Telefoon", "Winkel", "E-mail", "Chat", "Sociale media", "Brief"]
    assert f'<option value="{touchpoint.channel_id}" selected>Telefoon</option>' in select


def test_a_channel_an_admin_adds_without_a_dutch_name_shows_its_english_one():
    channel = Channel.objects.create(slug="kiosk", name="Kiosk")
    assert Channel.objects.create(slug="fax", name="Fax", name_nl="Telefax").label == "Fax"
    with translation.override("nl"):
        assert (str(channel), Channel.objects.get(slug="fax").label) == ("Kiosk", "Telefax")


def test_an_editor_gives_a_new_channel_its_dutch_name_through_the_api(editor_client, journey):
    created = editor_client.post(
        "/api/v1/channels/", {"name": "Kiosk", "name_nl": "Zuil", "slug": "kiosk"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["name_nl"] == "Zuil"
    touchpoint = journey.touchpoints.first()
    touchpoint.channel = Channel.objects.get(slug="kiosk")
    touchpoint.save()
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert card_channels(editor_client.get(reverse("journeys:map", args=[journey.pk])).content.decode())[0] == "Zuil"
    too_long = editor_client.patch(
        f"/api/v1/channels/{created.json()['id']}/", {"name_nl": "x" * 81}, content_type="application/json"
    )
    assert too_long.status_code == 400 and "name_nl" in too_long.json()


def test_the_demo_brings_back_the_default_channels_that_a_flushed_database_lost(db):
    Channel.objects.all().delete()  # as a transactional test's flush leaves the database: no migration data
    call_command("seed_demo", stdout=io.StringIO())
    assert Touchpoint.objects.exists()
    assert not Touchpoint.objects.filter(channel__isnull=True).exists()
    assert Channel.objects.get(slug="phone").label == "Phone"
    with translation.override("nl"):
        assert Channel.objects.get(slug="phone").label == "Telefoon"

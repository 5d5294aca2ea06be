"""The dashboard names the channels in the active language (a channel's Dutch name, see journeys.Channel)."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

SPRING = {"period": "custom", "from": "2024-04-01", "to": "2024-05-31"}


def test_the_channel_rows_and_the_channel_filter_are_dutch_for_a_dutch_user(client, manager, org):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = client.get(reverse("home"), SPRING)
    labels = [row.label for row in response.context["scores"].channels]
    assert "Telefoon" in labels and "Phone" not in labels
    assert f'<option value="{org.phone.pk}">Telefoon</option>' in response.content.decode()

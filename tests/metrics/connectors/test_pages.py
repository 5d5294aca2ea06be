"""The survey source pages: who may open them, a new source and its secret, the mapping editor with its preview,
the delivery log with replay, the delete; pinned query counts."""

import json

import pytest
from django.urls import reverse

from metrics.connectors.services import source_create
from metrics.models import Delivery, DeliveryStatus, SurveyResponse, SurveySource
from tests.journeys.factories import build_map
from tests.metrics.connectors.conftest import PAYLOADS

SAMPLE = (PAYLOADS / "typeform_form_response.json").read_text()
MAPPING = {
    "metrics": {"nps": "nps"},
    "journey": {"from": "hidden", "key": "journey"},
    "touchpoint": {"from": "hidden", "key": "touchpoint"},
    "channel": {"from": "hidden", "key": "channel"},
    "respondent": {"from": "hidden", "key": "customer"},
    "comment": {"from": "answer", "key": "comment"},
}


@pytest.fixture
def claims(db):
    """The journey the Typeform sample names: report-a-claim, its touchpoint claim-by-phone, channel phone."""
    journey = build_map(stages=1, touchpoints_per_stage=2, name="Report a claim")
    journey.key = "report-a-claim"
    journey.save()
    touchpoint = journey.touchpoints.order_by("position").first()
    touchpoint.name, touchpoint.key = "Claim by phone", "claim-by-phone"
    touchpoint.save()
    from tests.journeys.factories import ChannelFactory

    ChannelFactory(slug="phone", name="Phone")
    return journey, touchpoint


@pytest.fixture
def source(cx_editor):
    return source_create(name="Claims survey", vendor="typeform", created_by=cx_editor)


def mapping_post(**changes):
    """The mapping form as the page posts it: the sample's NPS question, journey/touchpoint/... from hidden fields."""
    data = {
        "sample": SAMPLE,
        "nps": "nps",
        "csat": "",
        "ces": "",
        "comment": "comment",
        "journey_from": "hidden",
        "journey_key": "journey",
        "touchpoint_from": "hidden",
        "touchpoint_key": "touchpoint",
        "channel_from": "hidden",
        "channel_key": "channel",
        "respondent_from": "hidden",
        "respondent_key": "customer",
        "version": "1",
    }
    data.update(changes)
    return data


def page_urls(source, delivery):
    return [
        reverse("metrics:source-list"),
        reverse("metrics:source-create"),
        reverse("metrics:source-create") + "?vendor=typeform",
        reverse("metrics:source", args=[source.pk]),
        reverse("metrics:source-edit", args=[source.pk]),
        reverse("metrics:source-rotate", args=[source.pk]),
        reverse("metrics:source-mapping", args=[source.pk]),
        reverse("metrics:source-delete", args=[source.pk]),
        reverse("metrics:source-deliveries", args=[source.pk]),
        reverse("metrics:source-delivery", args=[source.pk, delivery.pk]),
    ]


# Permissions


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["manager", "process_owner"])
def test_every_page_is_refused_to_those_who_cannot_load_responses(request, client_of, source, persona):
    delivery = Delivery.objects.create(source=source, body=SAMPLE, status=DeliveryStatus.REJECTED, reason="no")
    client = client_of(request.getfixturevalue(persona))
    for url in page_urls(source, delivery):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "x", "version": "1"}).status_code == 403, url
    replay = reverse("metrics:source-delivery-replay", args=[source.pk, delivery.pk])
    assert client.post(replay).status_code == 403
    source.refresh_from_db()
    assert source.name == "Claims survey" and source.version == 1
    assert reverse("metrics:source-list") not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["cx_editor", "admin_user"])
def test_every_page_opens_for_cx_editors_and_admins(request, client_of, source, persona):
    delivery = Delivery.objects.create(source=source, body=SAMPLE, status=DeliveryStatus.REJECTED, reason="no")
    client = client_of(request.getfixturevalue(persona))
    for url in page_urls(source, delivery):
        assert client.get(url).status_code == 200, url
    # The menu's Responses leads to the import page, whose tabs lead to the sources.
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("metrics:response-import")}"' in html and ">Responses</a>" in html
    html = client.get(reverse("metrics:response-import")).content.decode()
    assert f'href="{reverse("metrics:source-list")}"' in html and ">Survey sources</a>" in html


@pytest.mark.django_db
def test_a_page_of_a_source_that_does_not_exist_is_a_404(editor_client, source):
    assert editor_client.get(reverse("metrics:source", args=[source.pk + 1])).status_code == 404
    other = source_create(name="Other", vendor="typeform", created_by=None)
    delivery = Delivery.objects.create(source=other, body="{}")
    assert editor_client.get(reverse("metrics:source-delivery", args=[source.pk, delivery.pk])).status_code == 404


# The list


@pytest.mark.django_db
def test_the_empty_list_explains_what_a_source_is(editor_client):
    html = editor_client.get(reverse("metrics:source-list")).content.decode()
    assert "No survey sources yet" in html
    assert "sends each finished response here" in html
    assert "Add the first survey source" in html


@pytest.mark.django_db
def test_the_list_shows_each_source_with_its_last_delivery_and_todays_counts(editor_client, source):
    for status in [DeliveryStatus.STORED, DeliveryStatus.STORED, DeliveryStatus.REJECTED, DeliveryStatus.DUPLICATE]:
        Delivery.objects.create(source=source, body="{}", status=status)
    source_create(
        name="<b>Web NPS</b>", vendor="formbricks", created_by=None, secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    )
    html = editor_client.get(reverse("metrics:source-list")).content.decode()
    assert "Claims survey" in html and "Typeform" in html and "Formbricks" in html
    assert "&lt;b&gt;Web NPS&lt;/b&gt;" in html
    row = html.split("Claims survey")[1].split("</tr>")[0]
    assert '<td class="num">2</td>' in row  # stored today
    assert "?status=rejected" in row and ">1</a>" in row  # rejected today, a link to them
    assert "None yet" in html.split("Web NPS")[1]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 200])
def test_the_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, rows):
    SurveySource.objects.bulk_create(
        [SurveySource(name=f"Source {i}", vendor="typeform", secret="s", token=f"t{i}") for i in range(rows)]
    )
    # session, user, count, the page of sources with their counts
    with django_assert_num_queries(4):
        response = editor_client.get(reverse("metrics:source-list"))
    assert response.status_code == 200


# A new source, its secret


@pytest.mark.django_db
def test_choosing_the_tool_shows_each_tools_help_and_documentation(editor_client):
    html = editor_client.get(reverse("metrics:source-create")).content.decode()
    for tool in ["Typeform", "Formbricks", "Qualtrics", "Other tool (JSON, Standard Webhooks)"]:
        assert f'Choose<span class="visually-hidden"> {tool}</span>' in html
    assert "https://www.typeform.com/developers/webhooks/" in html
    assert "Connect &gt; Webhooks" in html
    assert editor_client.get(reverse("metrics:source-create") + "?vendor=nope").status_code == 400


@pytest.mark.django_db
def test_a_new_source_shows_its_endpoint_url_and_its_secret_once(editor_client, settings):
    settings.SITE_URL = "https://cx.example.org"
    url = reverse("metrics:source-create") + "?vendor=typeform"
    response = editor_client.post(url, {"name": "Claims survey"})
    source = SurveySource.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("metrics:source", args=[source.pk])
    assert source.vendor == "typeform" and source.name == "Claims survey"
    html = editor_client.get(response["Location"]).content.decode()
    assert f'value="https://cx.example.org/hooks/{source.token}/"' in html
    assert source.secret in html and "shown only now" in html
    again = editor_client.get(response["Location"]).content.decode()
    assert source.secret not in again
    assert "Rotate secret" in again and "Not mapped yet" in again


@pytest.mark.django_db
def test_a_new_source_needs_a_name(editor_client):
    response = editor_client.post(reverse("metrics:source-create") + "?vendor=typeform", {"name": "  "})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not SurveySource.objects.exists()


@pytest.mark.django_db
def test_rotating_the_secret_asks_first_then_shows_the_new_one_once(editor_client, source):
    old = source.secret
    url = reverse("metrics:source-rotate", args=[source.pk])
    page = editor_client.get(url).content.decode()
    assert "stops working at once" in page and 'name="version" value="1"' in page
    response = editor_client.post(url, {"version": "1"})
    source.refresh_from_db()
    assert source.secret != old
    html = editor_client.get(response["Location"]).content.decode()
    assert source.secret in html and old not in html
    # A second rotation based on the page opened before the first is refused: nothing replaced.
    current = source.secret
    editor_client.post(url, {"version": "1"})
    source.refresh_from_db()
    assert source.secret == current


@pytest.mark.django_db
def test_the_settings_are_saved_and_an_inactive_source_says_so(editor_client, source):
    url = reverse("metrics:source-edit", args=[source.pk])
    limits = {"rate_limit": "60", "max_bytes": "65536"}
    response = editor_client.post(url, {"name": "Claims NPS", "version": "1"} | limits)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.name == "Claims NPS" and source.active is False
    assert (source.rate_limit, source.max_bytes) == (60, 65536)
    assert "the tool gets 404" in editor_client.get(reverse("metrics:source", args=[source.pk])).content.decode()
    assert editor_client.post(url, {"name": "", "version": "2"} | limits).status_code == 422
    refused = editor_client.post(url, {"name": "x", "version": "2", "rate_limit": "-1", "max_bytes": "65536"})
    assert refused.status_code == 422
    assert 'id="id_rate_limit-error">Ensure this value is greater than or equal to 0.' in refused.content.decode()
    zero = editor_client.post(url, {"name": "x", "version": "2", "rate_limit": "0", "max_bytes": "65536"})
    assert 'id="id_rate_limit-error">At least one delivery a minute' in zero.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 200])
def test_the_source_page_runs_a_fixed_number_of_queries(editor_client, source, django_assert_num_queries, rows):
    Delivery.objects.bulk_create([Delivery(source=source, body="{}") for _ in range(rows)])
    # session, user, the source with its counts, the latest deliveries
    with django_assert_num_queries(4):
        response = editor_client.get(reverse("metrics:source", args=[source.pk]))
    assert response.status_code == 200


# The mapping


@pytest.mark.django_db
def test_reading_a_sample_lists_its_questions_and_hidden_fields_and_proposes_a_mapping(editor_client, source):
    url = reverse("metrics:source-mapping", args=[source.pk])
    html = editor_client.post(url, {"sample": SAMPLE, "action": "read", "version": "1"}).content.decode()
    assert "How likely are you to recommend us to a friend?" in html
    assert "<code>handled_by</code>" in html and "An agent" in html
    assert "<code>touchpoint</code>" in html and "claim-by-phone" in html  # a hidden field and its value
    assert '<option value="nps" selected>' in html  # proposed as the NPS question
    assert "Proposed:" in html
    assert not SurveySource.objects.get().mapping  # reading stores nothing


@pytest.mark.django_db
def test_a_sample_that_is_not_json_says_so(editor_client, source):
    url = reverse("metrics:source-mapping", args=[source.pk])
    html = editor_client.post(url, {"sample": "{not json", "action": "read", "version": "1"}).content.decode()
    assert "The body is not JSON (line 1, column 2" in html


@pytest.mark.django_db
def test_the_preview_shows_what_would_be_stored(editor_client, source, claims):
    url = reverse("metrics:source-mapping", args=[source.pk])
    response = editor_client.post(url, mapping_post(action="preview"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This payload would store 1 response" in html
    assert "Report a claim" in html and "Claim by phone" in html and "C-1042" in html
    assert "Quick and friendly &lt;b&gt;agent&lt;/b&gt;" in html  # the customer's words, escaped
    assert not SurveyResponse.objects.exists()
    source.refresh_from_db()
    assert source.mapping == {}


@pytest.mark.django_db
def test_the_preview_names_the_problem_that_would_reject_the_delivery(editor_client, source, claims):
    url = reverse("metrics:source-mapping", args=[source.pk])
    sample = SAMPLE.replace('"claim-by-phone"', '"claim-by-fax"')
    response = editor_client.post(url, mapping_post(sample=sample, action="preview"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "would be rejected" in html
    assert "claim-by-fax" in html and "<strong>touchpoint</strong>" in html


@pytest.mark.django_db
def test_a_question_off_the_metrics_scale_is_pointed_out(editor_client, source, claims):
    url = reverse("metrics:source-mapping", args=[source.pk])
    sample = SAMPLE.replace('"number": 9,', '"number": 42,')
    html = editor_client.post(url, mapping_post(sample=sample, action="preview")).content.decode()
    assert "outside the NPS scale (0 to 10)" in html  # beside the select, and in the preview
    assert "would be rejected" in html


@pytest.mark.django_db
def test_saving_the_mapping_stores_it(editor_client, source, claims):
    url = reverse("metrics:source-mapping", args=[source.pk])
    response = editor_client.post(url, mapping_post(action="save"))
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.mapping == MAPPING
    html = editor_client.get(reverse("metrics:source", args=[source.pk])).content.decode()
    assert "the answer to question nps" in html and "a hidden field “touchpoint”" in html


@pytest.mark.django_db
def test_a_fixed_journey_and_touchpoint_are_chosen_from_the_map(editor_client, source, claims):
    url = reverse("metrics:source-mapping", args=[source.pk])
    html = editor_client.get(url).content.decode()
    assert '<option value="report-a-claim">Report a claim (report-a-claim)</option>' in html
    data = mapping_post(
        action="save",
        journey_from="fixed",
        journey_fixed="report-a-claim",
        touchpoint_from="fixed",
        touchpoint_fixed="claim-by-phone",
    )
    assert editor_client.post(url, data).status_code == 302
    source.refresh_from_db()
    assert source.mapping["journey"] == {"from": "fixed", "value": "report-a-claim"}
    assert source.mapping["touchpoint"] == {"from": "fixed", "value": "claim-by-phone"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"journey_from": "hidden", "journey_key": ""}, "journey_key", "Give the name of a hidden field."),
        ({"journey_from": "fixed", "journey_fixed": ""}, "journey_fixed", "Give the fixed value."),
        ({"nps": "comment", "comment": "comment"}, None, None),
        ({"csat": "nps"}, "nps", "One question cannot measure two metrics."),
        ({"nps": "no-such-question"}, "nps", "Select a valid choice."),
    ],
)
def test_a_bad_mapping_is_not_saved_and_the_field_says_why(editor_client, source, claims, changes, field, message):
    url = reverse("metrics:source-mapping", args=[source.pk])
    response = editor_client.post(url, mapping_post(action="save", **changes))
    source.refresh_from_db()
    if field is None:  # the same question as score and comment is allowed
        assert response.status_code == 302
        return
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}-error">{message}' in html
    assert source.mapping == {} and source.version == 1


@pytest.mark.django_db
def test_a_mapping_saved_on_an_older_version_is_refused(editor_client, source, claims):
    url = reverse("metrics:source-mapping", args=[source.pk])
    data = {"name": "Renamed", "version": "1", "active": "on", "rate_limit": "600", "max_bytes": "1048576"}
    assert editor_client.post(reverse("metrics:source-edit", args=[source.pk]), data).status_code == 302
    response = editor_client.post(url, mapping_post(action="save", version="1"))
    assert response.status_code == 409
    assert "Someone else changed" in response.content.decode()
    source.refresh_from_db()
    assert source.mapping == {}


# Deliveries


@pytest.mark.django_db
def test_the_log_lists_deliveries_newest_first_and_filters_by_status(editor_client, source):
    old = Delivery.objects.create(source=source, body="{}", status=DeliveryStatus.STORED, responses_created=2)
    new = Delivery.objects.create(
        source=source, body="{}", status=DeliveryStatus.REJECTED, reason="touchpoint: no such touchpoint"
    )
    url = reverse("metrics:source-deliveries", args=[source.pk])
    html = editor_client.get(url).content.decode()
    assert html.index(reverse("metrics:source-delivery", args=[source.pk, new.pk])) < html.index(
        reverse("metrics:source-delivery", args=[source.pk, old.pk])
    )
    assert "touchpoint: no such touchpoint" in html
    assert html.count(">Replay<") == 1
    rejected = editor_client.get(url + "?status=rejected").content.decode()
    assert reverse("metrics:source-delivery", args=[source.pk, old.pk]) not in rejected
    assert "1 delivery, newest first" in rejected
    assert "No deliveries with this status" in editor_client.get(url + "?status=duplicate").content.decode()
    assert editor_client.get(url + "?status=nonsense").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 200])
def test_the_log_runs_a_fixed_number_of_queries(editor_client, source, django_assert_num_queries, rows):
    Delivery.objects.bulk_create(
        [Delivery(source=source, body="{}", status=DeliveryStatus.REJECTED) for _ in range(rows)]
    )
    # session, user, the source with its counts, count, the page of deliveries
    with django_assert_num_queries(5):
        response = editor_client.get(reverse("metrics:source-deliveries", args=[source.pk]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_deliverys_page_shows_its_payload_escaped_and_pretty(editor_client, source):
    body = json.dumps({"event_type": "form_response", "note": "<script>alert(1)</script>"})
    delivery = Delivery.objects.create(source=source, body=body, status=DeliveryStatus.REJECTED, reason="a\nb")
    html = editor_client.get(reverse("metrics:source-delivery", args=[source.pk, delivery.pk])).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{\n  &quot;event_type&quot;: &quot;form_response&quot;" in html
    assert "<li>a</li><li>b</li>" in html


@pytest.mark.django_db
def test_a_rejected_delivery_is_replayed_once_the_mapping_is_fixed(editor_client, source, claims):
    delivery = Delivery.objects.create(source=source, body=SAMPLE, status=DeliveryStatus.REJECTED, reason="not mapped")
    replay = reverse("metrics:source-delivery-replay", args=[source.pk, delivery.pk])
    back = reverse("metrics:source-deliveries", args=[source.pk])
    # Still unmapped: rejected again, and said so.
    response = editor_client.post(replay, {"next": back}, follow=True)
    assert "rejected again" in response.content.decode()
    assert not SurveyResponse.objects.exists()

    editor_client.post(reverse("metrics:source-mapping", args=[source.pk]), mapping_post(action="save"))
    response = editor_client.post(replay, {"next": back})
    assert response["Location"] == back
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.STORED
    stored = SurveyResponse.objects.get()
    assert (stored.score, stored.touchpoint_id, stored.respondent) == (9, claims[1].pk, "C-1042")
    assert "1 responses stored" in editor_client.get(back).content.decode()
    # A stored delivery is not replayed again.
    editor_client.post(replay)
    assert SurveyResponse.objects.count() == 1


@pytest.mark.django_db
def test_a_replay_goes_back_only_to_this_site(editor_client, source):
    delivery = Delivery.objects.create(source=source, body="{}", status=DeliveryStatus.REJECTED)
    replay = reverse("metrics:source-delivery-replay", args=[source.pk, delivery.pk])
    response = editor_client.post(replay, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("metrics:source-delivery", args=[source.pk, delivery.pk])
    assert editor_client.get(replay).status_code == 405


# Delete


@pytest.mark.django_db
def test_deleting_a_source_asks_first_and_keeps_its_responses(editor_client, source, claims):
    source.mapping = MAPPING
    source.save()
    delivery = Delivery.objects.create(source=source, body=SAMPLE, status=DeliveryStatus.REJECTED)
    editor_client.post(reverse("metrics:source-delivery-replay", args=[source.pk, delivery.pk]))
    assert SurveyResponse.objects.count() == 1
    url = reverse("metrics:source-delete", args=[source.pk])
    html = editor_client.get(url).content.decode()
    assert "The 1 response it brought stays" in html
    response = editor_client.post(url, {"version": str(source.version)})
    assert response["Location"] == reverse("metrics:source-list")
    assert not SurveySource.objects.exists() and not Delivery.objects.exists()
    assert SurveyResponse.objects.count() == 1


# Tools that differ


@pytest.mark.django_db
def test_a_tool_that_makes_its_own_key_asks_for_it_and_never_shows_it(editor_client):
    url = reverse("metrics:source-create") + "?vendor=surveymonkey"
    form = editor_client.get(url).content.decode()
    assert 'type="password" name="secret"' in form
    missing = editor_client.post(url, {"name": "Monkey", "config_access_token": "tok-1"})
    assert missing.status_code == 422 and "This field is required." in missing.content.decode()
    response = editor_client.post(url, {"name": "Monkey", "secret": "sm-key-123", "config_access_token": "tok-1"})
    source = SurveySource.objects.get()
    assert source.secret == "sm-key-123" and source.config["access_token"] == "tok-1"
    html = editor_client.get(response["Location"]).content.decode()
    assert "sm-key-123" not in html and "tok-1" not in html
    assert "Pasted from SurveyMonkey" in html and "Saved (not shown)" in html
    # Replacing it: the new key is pasted, and required.
    rotate = reverse("metrics:source-rotate", args=[source.pk])
    assert editor_client.post(rotate, {"version": "1", "secret": ""}).status_code == 422
    editor_client.post(rotate, {"version": "1", "secret": "sm-key-456"})
    source.refresh_from_db()
    assert source.secret == "sm-key-456"
    assert "sm-key-456" not in editor_client.get(reverse("metrics:source", args=[source.pk])).content.decode()


@pytest.mark.django_db
def test_a_secret_setting_is_write_only_and_kept_when_left_empty(editor_client):
    url = reverse("metrics:source-create") + "?vendor=limesurvey"
    data = {"name": "Lime", "config_url": "https://lime.example.org", "config_username": "cx"}
    data |= {"config_password": "pw-1", "config_survey_id": "123456"}
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    source = SurveySource.objects.get()
    detail = editor_client.get(response["Location"]).content.decode()
    assert "pw-1" not in detail and "Not fetched yet." in detail and "Endpoint URL" not in detail
    edit = reverse("metrics:source-edit", args=[source.pk])
    assert "pw-1" not in editor_client.get(edit).content.decode()
    data |= {"config_password": "", "version": "1", "active": "on", "rate_limit": "600", "max_bytes": "1048576"}
    assert editor_client.post(edit, data | {"config_survey_id": "654321"}).status_code == 302
    source.refresh_from_db()
    assert source.config["password"] == "pw-1" and source.config["survey_id"] == "654321"


@pytest.mark.django_db
def test_the_source_page_says_when_deliveries_were_refused_for_their_signature(editor_client, source):
    editor_client.post(
        source.hook_path, data=SAMPLE, content_type="application/json", HTTP_TYPEFORM_SIGNATURE="sha256=bad"
    )
    html = editor_client.get(reverse("metrics:source", args=[source.pk])).content.decode()
    assert "1 delivery was refused for its signature" in html
    assert "The Typeform-Signature does not match the body and the secret." in html


@pytest.mark.django_db
def test_the_mapping_starts_from_the_latest_delivery_when_there_is_one(editor_client, source):
    url = reverse("metrics:source-mapping", args=[source.pk])
    assert "Paste a payload and read it" in editor_client.get(url).content.decode()
    Delivery.objects.create(source=source, body=SAMPLE, status=DeliveryStatus.REJECTED)
    html = editor_client.get(url).content.decode()
    assert "&quot;event_type&quot;: &quot;form_response&quot;" in html  # in the textarea, pretty
    assert "How likely are you to recommend us to a friend?" in html

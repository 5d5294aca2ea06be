"""Survey sources: created with an unguessable URL and a secret, edited with a checked mapping, deleted without their
responses; the paste-a-sample preview (what would be stored, or why not, with nothing stored); a first mapping
proposed from a sample; the list with its last delivery and counts."""

import json

import pytest
from django.core.exceptions import ValidationError

from cxplatform.lib.versioning import StaleVersion
from metrics.connectors.mapping import mapping_suggest, mapping_validate
from metrics.connectors.selectors import delivery_list, source_list
from metrics.connectors.services import (
    mapping_preview,
    public_config,
    sample_submissions,
    source_create,
    source_delete,
    source_update,
)
from metrics.models import Delivery, SurveyResponse, SurveySource
from tests.metrics.connectors.conftest import payload_bytes
from tests.metrics.connectors.sources_data import (
    TYPEFORM_MAPPING,
    make_claims_map,
    make_source,
    post_typeform,
    typeform_body,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(db):
    return make_claims_map()


def test_a_new_source_gets_an_unguessable_address_and_a_secret(cx_editor):
    first = source_create(name=" Claims NPS ", vendor="typeform", created_by=cx_editor)
    second = source_create(name="Other", vendor="typeform", created_by=cx_editor)
    assert first.name == "Claims NPS"
    assert len(first.token) >= 32 and first.token != second.token
    assert len(first.secret) >= 32 and first.secret != second.secret
    assert first.hook_path == f"/hooks/{first.token}/"
    assert first.response_source == f"typeform:{first.pk}"
    assert first.created_by == cx_editor


def test_an_unknown_tool_or_a_missing_name_is_refused_by_field():
    with pytest.raises(ValidationError) as unknown:
        source_create(name="X", vendor="paper", created_by=None)
    assert "vendor" in unknown.value.message_dict
    with pytest.raises(ValidationError) as nameless:
        source_create(name="  ", vendor="typeform", created_by=None)
    assert "name" in nameless.value.message_dict
    assert not SurveySource.objects.exists()


def test_secret_settings_are_never_shown_back_and_kept_when_left_empty():
    source = source_create(
        name="Q", vendor="qualtrics", created_by=None, config={"api_token": "tok-123", "datacenter": "fra1"}
    )
    assert public_config(source) == {"api_token": True, "datacenter": "fra1"}
    updated = source_update(
        source=source, expected_version=source.version, config={"api_token": "", "datacenter": "ca1"}
    )
    assert updated.config == {"api_token": "tok-123", "datacenter": "ca1"}


def test_unknown_settings_are_refused():
    with pytest.raises(ValidationError) as refused:
        source_create(name="T", vendor="typeform", created_by=None, config={"password": "x"})
    assert "config" in refused.value.message_dict


@pytest.mark.parametrize(
    ("mapping", "field"),
    [
        ({"metrics": {"nps": "q1", "csat": "q1"}}, "metrics"),
        ({"metrics": {"eNPS": "q1"}}, "metrics"),
        ({"journey": {"from": "cookie", "key": "j"}}, "journey"),
        ({"touchpoint": {"from": "hidden"}}, "touchpoint"),
        ({"channel": {"from": "fixed", "value": ""}}, "channel"),
        ({"surprise": 1}, "mapping"),
        ([1, 2], "mapping"),
    ],
)
def test_a_bad_mapping_is_refused_naming_the_entry(mapping, field):
    with pytest.raises(ValidationError) as refused:
        mapping_validate(mapping)
    assert field in refused.value.message_dict


def test_an_edit_based_on_an_old_version_is_refused():
    source = make_source("typeform")
    source_update(source=SurveySource.objects.get(pk=source.pk), expected_version=1, name="New name")
    with pytest.raises(StaleVersion):
        source_update(source=source, expected_version=1, active=False)


def test_the_vendor_token_and_secret_cannot_be_edited():
    source = make_source("typeform")
    with pytest.raises(ValidationError) as refused:
        source_update(source=source, expected_version=1, vendor="generic", token="mine")
    assert set(refused.value.message_dict) == {"vendor", "token"}


def test_deleting_a_source_keeps_its_responses_and_its_address_stops_answering(client, claims):
    source = make_source("typeform")
    post_typeform(client, source, typeform_body())
    source_delete(source=source, expected_version=source.version)
    assert SurveyResponse.objects.get().source == f"typeform:{source.pk}"
    assert not Delivery.objects.exists()
    assert post_typeform(client, source, typeform_body()).status_code == 404


# The preview


def test_the_preview_shows_what_would_be_stored_with_names_and_stores_nothing(claims):
    source = make_source("typeform", mapping={})
    preview = mapping_preview(source=source, mapping=TYPEFORM_MAPPING, sample_body=typeform_body().decode())
    assert preview.ok
    (submission,) = preview.submissions
    (record,) = submission.records
    assert (record.metric, record.score, record.journey, record.touchpoint, record.channel) == (
        "nps",
        9,
        "Report a claim",
        "Claim by phone",
        "phone",
    )
    assert (record.respondent, record.comment, record.already_stored) == (
        "C-1042",
        "Quick and friendly <b>agent</b>",
        False,
    )
    assert submission.answers["nps"]["label"] == "How likely are you to recommend us to a friend?"
    assert submission.hidden["touchpoint"] == "claim-by-phone"
    assert not SurveyResponse.objects.exists() and not Delivery.objects.exists()
    assert SurveySource.objects.get(pk=source.pk).mapping == {}  # a preview saves nothing either


def test_the_preview_names_every_problem(claims):
    source = make_source("typeform")
    body = typeform_body(hidden={"touchpoint": "nowhere", "channel": "pigeon"}).decode()
    preview = mapping_preview(source=source, mapping=None, sample_body=body)
    assert not preview.ok
    problems = {(p.field, p.submission) for p in preview.submissions[0].problems}
    assert problems == {
        ("touchpoint", "a3a12ec67a1365927098a606107fac15"),
        ("channel", "a3a12ec67a1365927098a606107fac15"),
    }
    assert any("'nowhere'" in p.message for p in preview.submissions[0].problems)


def test_the_preview_says_a_score_is_off_the_metric_scale(claims):
    source = make_source("typeform")
    preview = mapping_preview(
        source=source, mapping={**TYPEFORM_MAPPING, "metrics": {"ces": "nps"}}, sample_body=typeform_body().decode()
    )
    (problem,) = preview.submissions[0].problems
    assert problem.field == "ces"
    assert "'nps'" in problem.message and "CES" in problem.message


def test_the_preview_marks_what_is_already_stored(client, claims):
    source = make_source("typeform")
    post_typeform(client, source, typeform_body())
    preview = mapping_preview(source=source, mapping=None, sample_body=typeform_body().decode())
    assert preview.submissions[0].records[0].already_stored


def test_the_preview_of_a_sample_that_is_not_the_tools_shape_says_why(claims):
    source = make_source("typeform")
    assert "not JSON" in mapping_preview(source=source, mapping=None, sample_body="{oops").error
    assert mapping_preview(source=source, mapping=None, sample_body="  ").error
    ignored = mapping_preview(source=source, mapping=None, sample_body=json.dumps({"event_type": "ping"}))
    assert ignored.ignored and not ignored.submissions


def test_without_a_mapping_the_preview_lists_the_answers_and_hidden_fields_to_map(claims):
    source = make_source(
        "formbricks", config={"hidden_fields": "journey, touchpoint"}, mapping={}, secret="whsec_" + "A" * 44
    )
    preview = mapping_preview(
        source=source, mapping=None, sample_body=payload_bytes("formbricks_response_finished.json").decode()
    )
    (submission,) = preview.submissions
    assert "npsq7k2m9p4q1r5s8t" in submission.answers
    assert submission.hidden["journey"] == "report-a-claim"
    assert submission.records == [] and submission.problems == []


def test_a_first_mapping_is_proposed_from_a_sample(claims):
    source = make_source("typeform", mapping={})
    suggestion = mapping_suggest(sample_submissions(source=source, sample_body=typeform_body().decode()))
    assert suggestion.mapping["metrics"] == {"nps": "nps"}
    assert suggestion.mapping["journey"] == {"from": "hidden", "key": "journey"}
    assert suggestion.mapping["touchpoint"] == {"from": "hidden", "key": "touchpoint"}
    assert suggestion.mapping["channel"] == {"from": "hidden", "key": "channel"}
    assert suggestion.mapping["respondent"] == {"from": "hidden", "key": "customer"}
    assert suggestion.mapping["comment"] == {"from": "answer", "key": "comment"}
    preview = mapping_preview(source=source, mapping=suggestion.mapping, sample_body=typeform_body().decode())
    assert preview.ok and preview.submissions[0].records[0].touchpoint == "Claim by phone"


def test_the_nps_question_is_found_by_its_values_when_its_text_says_nothing(claims):
    source = make_source("generic", mapping={})
    body = json.dumps([{"id": "r1", "q7": 9, "q8": "fine"}, {"id": "r2", "q7": 3, "q8": "slow"}])
    suggestion = mapping_suggest(sample_submissions(source=source, sample_body=body))
    assert suggestion.mapping["metrics"] == {"nps": "q7"}


# The selectors


def test_the_list_shows_each_sources_last_delivery_and_counts(client, claims):
    busy, quiet = make_source("typeform", name="Busy"), make_source("typeform", name="Quiet")
    post_typeform(client, busy, typeform_body())
    post_typeform(client, busy, typeform_body())  # a duplicate
    post_typeform(client, busy, typeform_body(token="t2", hidden={"touchpoint": "nowhere"}))  # rejected
    rows = {source.name: source for source in source_list()}
    assert (rows["Busy"].delivery_count, rows["Busy"].stored_count, rows["Busy"].rejected_count) == (3, 1, 1)
    assert rows["Busy"].responses_created == 1
    assert rows["Busy"].last_delivery_at == Delivery.objects.order_by("-received_at").first().received_at
    assert (rows["Quiet"].delivery_count, rows["Quiet"].last_delivery_at) == (0, None)
    assert [d.status for d in delivery_list(source=busy)] == ["rejected", "duplicate", "stored"]
    assert [d.status for d in delivery_list(source=busy, status="rejected")] == ["rejected"]
    assert not delivery_list(source=quiet).exists()

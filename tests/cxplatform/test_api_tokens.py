"""API tokens (issue 16): several named tokens per user, read-only or read-write, with an expiry date and a last use,
made and revoked on the profile page; what the API answers to each kind of token."""

import datetime
import importlib
import re
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from cxplatform.accounts.models import ApiToken, TokenAccess
from cxplatform.api.authentication import ThrottledTokenAuthentication
from cxplatform.audit.context import actor_of_request
from cxplatform.audit.models import AuditEvent
from tests.cxplatform.factories import UserFactory, api_key_for
from tests.journeys.factories import PersonaFactory

ADDRESS = "198.51.100.23"


@pytest.fixture(autouse=True)
def fresh_bad_token_counts():
    cache.delete(f"throttle_bad_token_{ADDRESS}")
    cache.delete("throttle_bad_token_127.0.0.1")
    yield
    cache.delete(f"throttle_bad_token_{ADDRESS}")
    cache.delete("throttle_bad_token_127.0.0.1")


def api(key: str, scheme: str = "Token") -> Client:
    return Client(headers={"Authorization": f"{scheme} {key}"}, REMOTE_ADDR=ADDRESS)


def create(client, **data):
    form = {"name": "Power BI", "access": "read_only", "expires": "90", "expires_at": ""} | data
    return client.post(reverse("token-create"), form, follow=True)


def shown_key(html: str) -> str:
    return re.search(r'id="new-token"[^>]*value="([0-9a-f]{40})"', html).group(1)


def today() -> datetime.date:
    return timezone.localdate()


# The profile page


@pytest.mark.django_db
def test_a_user_makes_a_token_sees_its_key_once_and_calls_the_api_with_it(editor_client, cx_editor):
    response = create(editor_client, name="Power BI refresh", access="read_write", expires="30")
    html = response.content.decode()
    assert "Your API token “Power BI refresh” was created." in html
    assert "Your new token “Power BI refresh”" in html
    assert 'data-copy="#new-token"' in html  # the Copy button of static/js/copy_field.js
    key = shown_key(html)
    assert "no-store" in editor_client.get(reverse("profile"))["Cache-Control"]

    me = api(key).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "cx-editor"

    # Shown once: the next visit lists the token by its name and the start of its key, never the key.
    html = editor_client.get(reverse("profile")).content.decode()
    assert key not in html
    assert 'id="new-token"' not in html
    row = re.search(r'<tr id="api-token-\d+".*?</tr>', html, re.S).group(0)
    assert "Power BI refresh" in row and f"{key[:8]}…" in row
    assert "Read and write" in row and "Active" in row
    assert date_format(today() + datetime.timedelta(days=30), "DATE_FORMAT") in row
    token = ApiToken.objects.get(user=cx_editor)
    assert token.key_hash != key and key not in token.key_hash  # only the hash is stored
    assert token.expires_at == today() + datetime.timedelta(days=30)


@pytest.mark.django_db
def test_making_a_token_is_in_the_audit_trail(editor_client, cx_editor):
    create(editor_client, name="CI export", access="read_write", expires="365")
    token = ApiToken.objects.get(user=cx_editor)
    event = AuditEvent.objects.get(action="token_created")
    assert event.actor_id == cx_editor.pk and event.via == "page"
    assert (event.object_type, event.object_id) == ("accounts.apitoken", str(token.pk))
    assert event.detail["access"] == "read_write"
    assert event.detail["expires"] == (today() + datetime.timedelta(days=365)).isoformat()


@pytest.mark.django_db
def test_a_user_has_several_tokens_each_with_its_own_access(editor_client, cx_editor):
    reader = shown_key(create(editor_client, name="Dashboard", access="read_only").content.decode())
    writer = shown_key(create(editor_client, name="Import job", access="read_write").content.decode())
    assert api(reader).get("/api/v1/me/").status_code == 200
    assert api(writer).get("/api/v1/me/").status_code == 200
    html = editor_client.get(reverse("profile")).content.decode()
    assert html.count('class="token-row is-active"') == 2


@pytest.mark.django_db
def test_the_profile_page_says_when_there_are_no_tokens(editor_client):
    html = editor_client.get(reverse("profile")).content.decode()
    assert "You have no API tokens yet." in html
    assert "token-table" not in html
    assert 'name="name"' in html  # the form to make one


@pytest.mark.django_db
def test_the_list_shows_active_expired_and_revoked_tokens_and_last_use(editor_client, cx_editor):
    api_key_for(cx_editor, name="Live", last_used_at=timezone.now())
    api_key_for(cx_editor, name="Old", expires_at=today() - datetime.timedelta(days=1))
    api_key_for(cx_editor, name="Gone", revoked_at=timezone.now())
    api_key_for(cx_editor, name="Long gone", revoked_at=timezone.now() - datetime.timedelta(days=40))
    api_key_for(UserFactory(), name="Someone else's")
    html = editor_client.get(reverse("profile")).content.decode()
    rows = dict(
        re.findall(r'<tr id="api-token-\d+" class="token-row is-(\w+)">\s*<th scope="row"><strong>([^<]+)', html)
    )
    assert {name: status for status, name in rows.items()} == {"Live": "active", "Old": "expired", "Gone": "revoked"}
    assert "Not used yet" in html  # the never-used ones
    assert "Revoked tokens stay listed for 30 days." in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"name": ""}, "This field is required."),
        ({"expires": "date", "expires_at": ""}, "Pick the date the token should stop working."),
        ({"expires": "date", "expires_at": "2000-01-01"}, "The expiry date cannot be in the past."),
        ({"expires": "never"}, "Select a valid choice. never is not one of the available choices."),
        ({"access": "admin"}, "Select a valid choice. admin is not one of the available choices."),
    ],
)
def test_the_form_says_what_is_wrong(editor_client, cx_editor, data, field_error):
    response = create(editor_client, **data)
    assert response.status_code == 422
    assert field_error in response.content.decode()
    assert not ApiToken.objects.filter(user=cx_editor).exists()


@pytest.mark.django_db
def test_a_token_cannot_outlive_the_maximum(editor_client, cx_editor, settings):
    settings.API_TOKEN_MAX_DAYS = 60
    html = editor_client.get(reverse("profile")).content.decode()
    assert 'value="30"' in html and 'value="60"' in html and "(the longest allowed)" in html
    assert 'value="90"' not in html and 'value="never"' not in html
    too_late = (today() + datetime.timedelta(days=61)).isoformat()
    response = create(editor_client, expires="date", expires_at=too_late)
    assert response.status_code == 422
    assert "Tokens live at most 60 days" in response.content.decode()
    assert create(editor_client, expires="60").status_code == 200
    assert ApiToken.objects.get(user=cx_editor).expires_at == today() + datetime.timedelta(days=60)


@pytest.mark.django_db
def test_without_a_maximum_a_token_may_never_expire(editor_client, cx_editor, settings):
    settings.API_TOKEN_MAX_DAYS = 0
    key = shown_key(create(editor_client, expires="never").content.decode())
    assert ApiToken.objects.get(user=cx_editor).expires_at is None
    assert "Never" in editor_client.get(reverse("profile")).content.decode()
    assert api(key).get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_a_name_is_used_once_among_a_users_live_tokens(editor_client, cx_editor):
    create(editor_client, name="CI")
    response = create(editor_client, name="CI")
    assert response.status_code == 422
    assert "You already have a token named “CI”" in response.content.decode()
    # Another user, or after revoking the first: the name is free.
    api_key_for(UserFactory(), name="CI")
    ApiToken.objects.filter(user=cx_editor).update(revoked_at=timezone.now())
    assert create(editor_client, name="CI").status_code == 200
    assert ApiToken.objects.filter(user=cx_editor, name="CI").count() == 2


@pytest.mark.django_db
def test_a_date_of_ones_choice(editor_client, cx_editor):
    day = today() + datetime.timedelta(days=10)
    create(editor_client, expires="date", expires_at=day.isoformat())
    assert ApiToken.objects.get(user=cx_editor).expires_at == day


@pytest.mark.django_db
def test_revoking_asks_for_confirmation_then_the_key_stops_working(editor_client, cx_editor):
    key = api_key_for(cx_editor, name="Nightly sync")
    token = ApiToken.objects.get(user=cx_editor)
    confirm = editor_client.get(reverse("token-revoke", args=[token.pk]))
    assert "Revoke the API token “Nightly sync”?" in confirm.content.decode()
    assert api(key).get("/api/v1/me/").status_code == 200  # asking is not revoking

    response = editor_client.post(reverse("token-revoke", args=[token.pk]), follow=True)
    html = response.content.decode()
    assert "The API token “Nightly sync” was revoked." in html
    assert 'class="token-row is-revoked"' in html
    refused = api(key).get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token.", "code": "authentication_failed"}
    event = AuditEvent.objects.get(action="token_revoked")
    assert event.object_id == str(token.pk) and event.actor_id == cx_editor.pk


@pytest.mark.django_db
def test_one_cannot_revoke_someone_elses_token(editor_client):
    other = UserFactory()
    key = api_key_for(other)
    token = ApiToken.objects.get(user=other)
    assert editor_client.get(reverse("token-revoke", args=[token.pk])).status_code == 404
    assert editor_client.post(reverse("token-revoke", args=[token.pk])).status_code == 404
    assert api(key).get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_making_a_token_needs_the_csrf_token(cx_editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cx_editor)
    response = client.post(reverse("token-create"), {"name": "x", "access": "read_only", "expires": "30"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 30])
def test_the_profile_page_runs_a_fixed_number_of_queries(editor_client, cx_editor, count, django_assert_num_queries):
    for i in range(count):
        api_key_for(cx_editor, name=f"Token {i}", last_used_at=timezone.now())
    # session, user, the tokens, the two-factor status, the user's sessions
    with django_assert_num_queries(5):
        response = editor_client.get(reverse("profile"))
    assert response.content.decode().count('class="token-row ') == count


# What the API answers


@pytest.mark.django_db
def test_a_read_only_token_reads_but_may_not_write(cx_editor):
    persona = PersonaFactory(name="Starter")
    client = api(api_key_for(cx_editor, access=TokenAccess.READ_ONLY))
    assert client.get("/api/v1/personas/").status_code == 200
    assert client.get(f"/api/v1/personas/{persona.pk}/").status_code == 200
    writes = [
        ("post", "/api/v1/personas/"),
        ("put", f"/api/v1/personas/{persona.pk}/"),
        ("patch", f"/api/v1/personas/{persona.pk}/"),
        ("delete", f"/api/v1/personas/{persona.pk}/"),
    ]
    for method, url in writes:
        response = getattr(client, method)(url, {"name": "Changed"}, content_type="application/json")
        assert response.status_code == 403, method
        assert response.json() == {"detail": "This API token is read-only.", "code": "token_read_only"}
    persona.refresh_from_db()
    assert persona.name == "Starter"


@pytest.mark.django_db
def test_a_read_write_token_writes(cx_editor):
    client = api(api_key_for(cx_editor, access=TokenAccess.READ_WRITE))
    response = client.post("/api/v1/personas/", {"name": "Claims handler"}, content_type="application/json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_an_expired_token_gets_401_naming_its_expiry_date(cx_editor):
    yesterday = today() - datetime.timedelta(days=1)
    key = api_key_for(cx_editor, expires_at=yesterday)
    response = api(key).get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "detail": f"This API token expired on {yesterday.isoformat()}. Create a new one on your profile page.",
        "code": "token_expired",
    }
    # An expired key is a real one, not a guess: it is never throttled.
    assert {api(key).get("/api/v1/me/").status_code for _ in range(12)} == {401}


@pytest.mark.django_db
def test_a_token_works_until_the_end_of_its_expiry_day(cx_editor):
    assert api(api_key_for(cx_editor, expires_at=today())).get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_a_revoked_token_gets_401_and_counts_as_a_bad_token(cx_editor, settings):
    settings.API_BAD_TOKEN_RATE = "3/minute"
    key = api_key_for(cx_editor, revoked_at=timezone.now())
    answers = [api(key).get("/api/v1/me/").status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]


@pytest.mark.django_db
def test_the_token_of_a_deactivated_user_gets_401(cx_editor):
    key = api_key_for(cx_editor)
    cx_editor.is_active = False
    cx_editor.save()
    assert api(key).get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_bearer_works_as_well(cx_editor):
    assert api(api_key_for(cx_editor), scheme="Bearer").get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_the_last_use_is_written_at_most_once_a_minute(cx_editor, django_assert_num_queries):
    key = api_key_for(cx_editor)
    token = ApiToken.objects.get(user=cx_editor)
    assert token.last_used_at is None
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        api(key).get("/api/v1/me/")
        token.refresh_from_db()
        first = token.last_used_at
        assert first == timezone.now()
        traveller.shift(30)
        # the token (with its user), and no UPDATE this time
        with django_assert_num_queries(1):
            api(key).get("/api/v1/me/")
        token.refresh_from_db()
        assert token.last_used_at == first
        traveller.shift(31)
        api(key).get("/api/v1/me/")
        token.refresh_from_db()
        assert token.last_used_at == first + datetime.timedelta(seconds=61)


@pytest.mark.django_db
def test_the_audit_trail_names_the_token_of_a_write(cx_editor):
    key = api_key_for(cx_editor, name="Import job")
    django_request = APIRequestFactory().post("/api/v1/journey-groups/", HTTP_AUTHORIZATION=f"Token {key}")
    user, _token = ThrottledTokenAuthentication().authenticate(Request(django_request))
    django_request.user = user
    assert django_request.audit_credential == f'token "Import job" ({key[:8]}…)'
    actor = actor_of_request(django_request)
    assert actor.credential == f'token "Import job" ({key[:8]}…)'
    assert actor.user_id == cx_editor.pk


# The command line, the admin


@pytest.mark.django_db
def test_api_token_create_makes_a_working_token(cx_editor):
    out = StringIO()
    call_command("api_token_create", "cx-editor", "--name", "Monitoring", "--read-only", stdout=out)
    key = re.search(r"([0-9a-f]{40})", out.getvalue()).group(1)
    assert api(key).get("/api/v1/journey-groups/").status_code == 200
    assert api(key).post("/api/v1/journey-groups/", {}, content_type="application/json").status_code == 403
    token = ApiToken.objects.get(user=cx_editor)
    assert token.name == "Monitoring"
    assert token.expires_at == today() + datetime.timedelta(days=365)
    assert AuditEvent.objects.get(action="token_created").via == "command"


@pytest.mark.django_db
def test_an_admin_sees_everyones_tokens_without_their_keys_and_revokes_them(admin_client):
    integrator = UserFactory(username="integrator", first_name="Ivo", last_name="Jansen")
    key = api_key_for(integrator, name="ERP link")
    token = ApiToken.objects.get(name="ERP link")
    changelist = admin_client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert "ERP link" in changelist and "Ivo Jansen" in changelist and key[:8] in changelist
    assert key not in changelist and token.key_hash not in changelist
    page = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert key not in page and token.key_hash not in page
    assert 'name="_save"' not in page  # read-only
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403

    admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert api(key).get("/api/v1/me/").status_code == 401
    assert AuditEvent.objects.get(action="token_revoked").via == "admin"


# The tokens of DRF's authtoken, copied over by the migration


def copy_authtoken_tokens():
    module_path = next(Path("cxplatform/accounts/migrations").glob("*_api_tokens.py"))
    return importlib.import_module(f"cxplatform.accounts.migrations.{module_path.stem}").copy_authtoken_tokens


@pytest.mark.django_db
def test_the_migration_turns_an_old_token_into_a_working_read_write_token(cx_editor, settings):
    from django.apps import apps

    settings.API_TOKEN_MAX_DAYS = 365
    old_key = "0123456789abcdef0123456789abcdef01234567"
    created = timezone.now() - datetime.timedelta(days=100)
    with connection.cursor() as cursor:
        # The table as rest_framework.authtoken made it (the app is no longer installed).
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone NOT NULL,"
            " user_id bigint NOT NULL UNIQUE)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, created, cx_editor.pk])
    with connection.schema_editor() as schema_editor:
        copy_authtoken_tokens()(apps, schema_editor)

    token = ApiToken.objects.get(user=cx_editor)
    assert (token.name, token.access, token.prefix) == ("Personal token", "read_write", old_key[:8])
    assert token.created_at == created
    assert token.expires_at == today() + datetime.timedelta(days=365)
    assert api(old_key).post("/api/v1/personas/", {"name": "x"}, content_type="application/json").status_code == 201
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0  # the keys in clear are gone


@pytest.mark.django_db
def test_the_migration_has_nothing_to_do_on_a_new_installation():
    from django.apps import apps

    with connection.schema_editor() as schema_editor:
        copy_authtoken_tokens()(apps, schema_editor)
    assert not ApiToken.objects.exists()

"""Single sign-on without a provider: the groups mapping, the account a login finds or makes, password login
switched off (LOCAL_LOGIN), an unreachable issuer and a forged state answered with a page, never an error."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from cxplatform.accounts.models import Role, User
from cxplatform.accounts.oidc import discovery
from cxplatform.accounts.oidc.backend import OIDCBackend
from cxplatform.accounts.oidc.mapping import groups_of, role_for, teams_for
from cxplatform.audit.models import AuditEvent
from cxplatform.lib.config import mapping_config
from teams.models import Membership, Team
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.services import free_port

ROLE_MAP = [("cx-admins", "admin"), ("cx-editors", "cx_editor"), ("managers", "manager"), ("owners", "process_owner")]


@pytest.fixture
def sso(settings):
    """SSO on, with an issuer nobody answers at (these tests never reach a provider)."""
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    settings.OIDC_RP_CLIENT_ID = "cx"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_PROVIDER_NAME = "Example ID"
    settings.OIDC_ROLE_MAP = ROLE_MAP
    settings.OIDC_TEAM_MAP = [("cx-editors", "service"), ("sales-people", "sales")]
    discovery.forget()
    yield settings
    discovery.forget()


class TestTheGroupsMapping:
    def test_a_mapped_group_gives_its_role_and_the_most_privileged_of_several_wins(self):
        assert role_for(["staff", "owners"], Role.CX_EDITOR, ROLE_MAP, "process_owner") == "process_owner"
        assert role_for(["owners", "managers", "cx-editors"], None, ROLE_MAP, "process_owner") == "manager"
        assert role_for(["cx-admins", "owners"], None, ROLE_MAP, "process_owner") == "admin"

    def test_leaving_the_mapped_group_takes_the_role_back_to_the_default(self):
        assert role_for(["staff"], Role.ADMIN, ROLE_MAP, "process_owner") == "process_owner"

    def test_unknown_groups_leave_a_role_an_admin_gave_that_the_mapping_does_not_hand_out(self):
        assert role_for(["staff"], Role.MANAGER, [("cx-admins", "admin")], "process_owner") is None

    def test_no_groups_claim_or_no_mapping_leaves_the_role_to_the_admins(self):
        assert role_for(None, Role.ADMIN, ROLE_MAP, "process_owner") is None
        assert role_for(["cx-admins"], Role.CX_EDITOR, [], "process_owner") is None

    def test_the_claim_is_read_as_a_list_or_a_single_name(self, settings):
        settings.OIDC_GROUPS_CLAIM = "roles"
        assert groups_of({"roles": ["a", "b"]}) == ["a", "b"]
        assert groups_of({"roles": "a"}) == ["a"]
        assert groups_of({"groups": ["a"]}) is None

    def test_teams_come_from_the_mapped_groups_and_the_mapping_names_the_teams_it_manages(self):
        team_map = [("cx-editors", "service"), ("cx-editors", "claims"), ("sales-people", "sales")]
        assert teams_for(["cx-editors", "staff"], team_map) == ({"service", "claims"}, {"service", "claims", "sales"})
        assert teams_for(None, team_map) == (frozenset(), frozenset())

    def test_the_mapping_setting_is_read_with_a_clear_error(self):
        env = {"M": "cx-admins=admin, cn=x,ou=y=manager"}
        with pytest.raises(ImproperlyConfigured, match="M"):
            mapping_config("M", allowed=["admin", "manager"], env=env)  # commas inside a DN: use semicolons
        env = {"M": "cx-admins=admin; cn=x,ou=y=manager"}
        assert mapping_config("M", allowed=["admin", "manager"], env=env) == [
            ("cx-admins", "admin"),
            ("cn=x,ou=y", "manager"),
        ]
        with pytest.raises(ImproperlyConfigured, match="'boss'"):
            mapping_config("M", allowed=["admin"], env={"M": "x=boss"})


def claims(**extra):
    return {
        "sub": "sub-1",
        "email": "emma@example.org",
        "email_verified": True,
        "name": "Emma de Vries",
        "preferred_username": "emma",
        **extra,
    }


@pytest.mark.django_db
class TestTheAccountALoginFindsOrMakes:
    def login(self, backend, the_claims):
        users = backend.filter_users_by_claims(the_claims)
        return backend.update_user(users[0], the_claims) if users else backend.create_user(the_claims)

    def test_a_first_login_makes_an_account_linked_by_sub_with_the_mapped_role_and_teams(self, sso):
        service = Team.objects.create(slug="service", name="Service")
        Team.objects.create(slug="sales", name="Sales")
        user = self.login(OIDCBackend(), claims(groups=["cx-editors"]))
        assert (user.username, user.oidc_subject, user.role) == ("emma", "sub-1", Role.CX_EDITOR)
        assert (user.first_name, user.last_name, user.email) == ("Emma", "de Vries", "emma@example.org")
        assert not user.has_usable_password()
        assert list(Membership.objects.filter(user=user).values_list("team", flat=True)) == [service.pk]
        assert AuditEvent.objects.filter(action="create", object_type="accounts.user", object_id=str(user.pk)).exists()

    def test_without_a_matching_group_a_newcomer_gets_the_least_privileged_default_role(self, sso):
        user = self.login(OIDCBackend(), claims(groups=["staff"]))
        assert user.role == Role.PROCESS_OWNER

    def test_each_login_brings_role_and_teams_in_line_with_the_groups(self, sso):
        Team.objects.create(slug="service", name="Service")
        sales = Team.objects.create(slug="sales", name="Sales")
        other = Team.objects.create(slug="other", name="Other")
        backend = OIDCBackend()
        user = self.login(backend, claims(groups=["cx-admins", "cx-editors"]))
        Membership.objects.create(team=other, user=user, role="coach")  # given by an admin: left alone
        user = self.login(backend, claims(sub="sub-1", groups=["sales-people"]))
        assert User.objects.get(pk=user.pk).role == Role.PROCESS_OWNER  # left cx-admins: the default
        assert set(Membership.objects.filter(user=user).values_list("team", flat=True)) == {sales.pk, other.pk}
        assert AuditEvent.objects.filter(action="role_changed", object_id=str(user.pk)).count() == 1
        assert User.objects.count() == 1

    def test_a_taken_username_gets_a_mark_of_the_subject(self, sso):
        UserFactory(username="emma")
        user = self.login(OIDCBackend(), claims())
        assert user.username.startswith("emma-") and user.username != "emma"

    def test_an_existing_account_is_linked_by_e_mail_only_when_asked_and_verified(self, sso, settings):
        local = UserFactory(username="emma-local", email="Emma@example.org")
        assert OIDCBackend().filter_users_by_claims(claims()) == []  # OIDC_LINK_BY_EMAIL off
        settings.OIDC_LINK_BY_EMAIL = True
        assert OIDCBackend().filter_users_by_claims(claims(email_verified=False)) == []
        assert OIDCBackend().filter_users_by_claims(claims()) == [local]
        local.is_superuser = True
        local.save()
        assert OIDCBackend().filter_users_by_claims(claims()) == []  # never a superuser

    def test_an_inactive_account_is_refused(self, sso, monkeypatch, rf):
        UserFactory(username="emma", oidc_subject="sub-1", is_active=False)
        monkeypatch.setattr(discovery, "fetch_metadata", lambda issuer: {"token_endpoint": "t", "jwks_uri": "j"})
        monkeypatch.setattr(
            "mozilla_django_oidc.auth.OIDCAuthenticationBackend.authenticate",
            lambda self, request, **kw: User.objects.get(oidc_subject="sub-1"),
        )
        assert OIDCBackend().authenticate(rf.get("/oidc/callback/"), nonce="n", code_verifier="v") is None

    def test_an_id_token_for_another_client_or_issuer_is_refused(self, sso, monkeypatch):
        from django.core.exceptions import SuspiciousOperation

        backend = OIDCBackend()
        good = {"iss": sso.OIDC_ISSUER, "aud": ["cx", "other"], "sub": "s"}
        for payload, ok in ((good, True), ({**good, "aud": "other"}, False), ({**good, "iss": "http://x"}, False)):
            monkeypatch.setattr(
                "mozilla_django_oidc.auth.OIDCAuthenticationBackend.verify_token", lambda *a, p=payload, **k: p
            )
            if ok:
                assert backend.verify_token("token") == payload
            else:
                with pytest.raises(SuspiciousOperation):
                    backend.verify_token("token")


@pytest.mark.django_db
class TestTheSsoPages:
    def test_without_an_issuer_there_is_no_button_and_no_sso_page(self, client, settings):
        settings.OIDC_ISSUER = ""
        assert "Log in with" not in client.get("/login/").content.decode()
        assert client.get(reverse("oidc_authentication_init")).status_code == 404

    def test_the_login_page_offers_the_provider_first(self, client, sso):
        page = client.get("/login/?next=/journeys/").content.decode()
        assert 'href="/oidc/authenticate/?next=/journeys/"' in page
        assert "Log in with Example ID" in page
        assert 'name="password"' in page  # LOCAL_LOGIN is on by default

    def test_an_unreachable_issuer_gets_a_page_saying_so(self, client, sso):
        response = client.get(reverse("oidc_authentication_init"))
        assert response.status_code == 503
        assert "cannot reach Example ID to log you in right now" in response.content.decode()

    def test_metadata_of_another_issuer_is_refused(self, monkeypatch, sso):
        class Answer:
            def raise_for_status(self):
                return None

            def json(self):
                return {"issuer": "http://evil", "authorization_endpoint": "a", "token_endpoint": "t", "jwks_uri": "j"}

        monkeypatch.setattr(discovery.requests, "get", lambda *a, **k: Answer())
        with pytest.raises(discovery.DiscoveryError, match="issuer"):
            discovery.provider_metadata()

    def test_the_start_sends_state_nonce_and_a_pkce_challenge(self, client, sso, monkeypatch):
        metadata = {
            "issuer": sso.OIDC_ISSUER,
            "authorization_endpoint": "http://idp/auth",
            "token_endpoint": "t",
            "jwks_uri": "j",
        }
        monkeypatch.setattr(discovery, "fetch_metadata", lambda issuer: metadata)
        response = client.get(reverse("oidc_authentication_init"))
        assert response.status_code == 302 and response["Location"].startswith("http://idp/auth?")
        for part in ("state=", "nonce=", "code_challenge=", "code_challenge_method=S256", "client_id=cx"):
            assert part in response["Location"]

    @pytest.mark.parametrize("query", ["?code=abc&state=forged", "?code=abc"])
    def test_an_answer_with_an_unknown_or_missing_state_is_refused_on_the_login_page(self, client, sso, query):
        response = client.get(reverse("oidc_authentication_callback") + query, follow=True)
        assert response.redirect_chain[-1][0] == "/login/"
        assert "did not match a login started here" in response.content.decode()
        assert SESSION_KEY not in client.session
        event = AuditEvent.objects.get(action="login_failed")
        assert event.detail == {"method": "oidc", "reason": "state"}

    def test_an_error_from_the_provider_is_a_message_not_an_error_page(self, client, sso):
        response = client.get(reverse("oidc_authentication_callback") + "?error=access_denied&state=x", follow=True)
        assert "Example ID did not log you in." in response.content.decode()


@pytest.mark.django_db
class TestPasswordLoginSwitchedOff:
    @pytest.fixture
    def local_off(self, sso):
        sso.LOCAL_LOGIN = False
        sso.LOCAL_LOGIN_USERS = ["admin"]
        return sso

    def test_the_form_is_hidden_behind_a_discreet_link_for_break_glass_accounts(self, client, local_off):
        page = client.get("/login/").content.decode()
        assert "Log in with Example ID" in page
        assert 'name="password"' not in page
        assert "Administrator login with a password" in page
        assert 'name="password"' in client.get("/login/?local=1").content.decode()

    def test_a_password_login_is_refused_with_a_clear_message(self, client, local_off, cx_editor):
        response = client.post("/login/", {"username": cx_editor.username, "password": PASSWORD})
        assert response.status_code == 200
        assert "Password login is switched off: log in with Example ID." in response.content.decode()
        assert SESSION_KEY not in client.session
        assert AuditEvent.objects.filter(action="login_failed", detail__reason="local_login_off").exists()

    def test_the_admin_site_refuses_it_too(self, client, local_off, cx_editor):
        cx_editor.is_staff = True
        cx_editor.save()
        client.post("/admin/login/", {"username": cx_editor.username, "password": PASSWORD})
        assert SESSION_KEY not in client.session

    def test_a_break_glass_account_still_logs_in_with_its_password(self, client, local_off, admin_user):
        response = client.post("/login/", {"username": "admin", "password": PASSWORD, "local": "1"})
        assert response.status_code == 302
        assert client.session["cx_auth_method"] == "password"

    def test_api_tokens_are_unaffected(self, client, local_off, cx_editor):
        from tests.cxplatform.factories import api_key_for

        response = client.get("/api/v1/journeys/", HTTP_AUTHORIZATION=f"Token {api_key_for(cx_editor)}")
        assert response.status_code == 200


@pytest.mark.django_db
def test_a_password_login_marks_the_session_as_such(client, cx_editor):
    client.post("/login/", {"username": cx_editor.username, "password": PASSWORD})
    assert client.session["cx_auth_method"] == "password"


@pytest.mark.django_db
def test_logout_after_sso_goes_on_to_the_providers_end_session_endpoint(client, sso, cx_editor, monkeypatch):
    metadata = {"issuer": sso.OIDC_ISSUER, "authorization_endpoint": "a", "token_endpoint": "t", "jwks_uri": "j",
                "end_session_endpoint": "http://idp/logout"}  # fmt: skip
    monkeypatch.setattr(discovery, "fetch_metadata", lambda issuer: metadata)
    client.force_login(cx_editor)
    session = client.session
    session.update({"cx_auth_method": "oidc", "oidc_id_token": "the.id.token"})
    session.save()
    response = client.post("/logout/")
    assert response["Location"].startswith("http://idp/logout?")
    assert "id_token_hint=the.id.token" in response["Location"]
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Flogin%2F" in response["Location"]
    assert SESSION_KEY not in client.session

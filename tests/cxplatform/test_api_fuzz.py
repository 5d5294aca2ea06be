"""Every operation of the OpenAPI schema, fuzzed by schemathesis against the app in-process (WSGI), as an admin
with a token, over demo-like data on the real Postgres test database.

Each operation gets a bounded number of generated requests: valid ones (positive mode) and invalid ones
(negative mode), with the id in the path mostly one that exists and sometimes a generated one. Every request
runs in a savepoint that is rolled back afterwards, so a DELETE or an edit never takes away what the next
request needs, and every request sees the same data. Hypothesis is derandomized (the examples follow from the
test alone) and keeps no example database, so CI runs the same requests every time.

The checks: no 5xx; the status code, the content type and the body of every answer are the documented ones.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cxplatform.accounts.models import Role
from cxplatform.audit.models import AuditEvent
from cxplatform.notifications.models import Notification
from cxplatform.webhooks.models import WebhookDelivery, WebhookSubscription
from journeys.comments.services import comment_add
from journeys.models import Channel, Comment, Finding, Journey, JourneyGroup, JourneyState, Persona, Stage, Touchpoint
from metrics.connectors.services import source_create
from metrics.models import (
    BusinessCase,
    CustomKpi,
    Delivery,
    FollowUpCase,
    MetricTarget,
    SurveyResponse,
    SurveySource,
    Theme,
)
from metrics.services.followups import followups_open_for
from metrics.services.recompute import snapshots_rebuild_all
from metrics.themes.tagging import tag_responses
from teams.models import ActionComment, ActionTransition, Department, ImprovementAction, Mandate, Membership, Team
from tests.cxplatform.factories import UserFactory, api_key_for
from tests.journeys.factories import FindingFactory, JourneyFactory, PersonaFactory
from tests.metrics.factories import (
    BusinessCaseFactory,
    CustomKpiFactory,
    KpiMeasurementFactory,
    SurveyResponseFactory,
    ThemeRuleFactory,
)
from tests.metrics.recompute_data import add_responses, build_org
from tests.teams.factories import (
    ActionFactory,
    DepartmentFactory,
    DepartmentMemberFactory,
    MandateFactory,
    MembershipFactory,
    TeamFactory,
)

# Generated requests per operation: 104 operations x 12 = about 1,230 requests, a minute on 2 cores (FUZZ_EXAMPLES=40
# for a deeper run: about 4,200 requests in 3 minutes).
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# The objects an operation's {id} refers to, by the first segment of its path.
MODELS = {
    "actions": ImprovementAction,
    "audit-events": AuditEvent,
    "business-cases": BusinessCase,
    "channels": Channel,
    "comments": Comment,
    "departments": Department,
    "findings": Finding,
    "followups": FollowUpCase,
    "journey-groups": JourneyGroup,
    "journeys": Journey,
    "kpis": CustomKpi,
    "mandates": Mandate,
    "notifications": Notification,
    "memberships": Membership,
    "personas": Persona,
    "sources": SurveySource,
    "stages": Stage,
    "targets": MetricTarget,
    "teams": Team,
    "themes": Theme,
    "touchpoints": Touchpoint,
    "webhooks": WebhookSubscription,
}


class Rollback(Exception):
    """Raised to roll a request's savepoint back."""


@dataclass
class Tally:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)


def openapi_schema() -> dict:
    """The schema as /api/v1/schema/ serves it (JSON round trip: lazy strings and decimals become plain)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


def load_schema():
    schema = schemathesis.openapi.from_dict(openapi_schema())
    schema.app = WSGIHandler()
    return schema


def build_data(admin) -> None:
    """A small organisation like the demo's: every kind of object an operation's {id} can name."""
    org = build_org()
    add_responses(org)
    JourneyFactory(
        name="Open an account", group=org.becoming, state=JourneyState.FUTURE, current_state=org.open_account
    )
    FindingFactory(touchpoint=org.website)
    FindingFactory(touchpoint=None, stage=org.signing, journey=org.open_account)
    PersonaFactory(name="Starter")
    DepartmentMemberFactory(user=admin, department=DepartmentFactory(name="Customer service"))
    team = TeamFactory(name="Service team", journey_groups=[org.becoming, org.staying])
    MembershipFactory(team=team, user=admin)
    MandateFactory(team=team)
    action = ActionFactory(journey=org.open_account, touchpoint=org.website, team=team, assignee=admin)
    ActionComment.objects.create(action=action, author=admin, text="Called the web team.")
    comment_add(author=admin, kind="touchpoint", object_id=org.website.pk, text="Is the price list up to date?")
    comment_add(author=UserFactory(), kind="touchpoint", object_id=org.website.pk, text=f"@{admin.username} yes")
    ActionTransition.objects.create(action=action, from_status="backlog", to_status="backlog", by=admin)
    BusinessCaseFactory(action=ActionFactory(journey=org.complaint, team=team))
    kpi = CustomKpiFactory(name="First contact resolution", owner=admin)
    KpiMeasurementFactory(kpi=kpi)
    MetricTarget.objects.create(metric="nps", value=Decimal("20"))
    MetricTarget.objects.create(metric="csat", journey=org.open_account, value=Decimal("80"))
    # Detractors at a touchpoint, yesterday: follow-up cases to call them back.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    for score in (2, 4):
        SurveyResponseFactory(
            journey=org.open_account, touchpoint=org.call, metric="nps", score=score, responded_at=yesterday
        )
    followups_open_for(responses=SurveyResponse.objects.all())
    snapshots_rebuild_all()
    source = source_create(
        name="Kiosk survey",
        vendor="generic",
        created_by=admin,
        mapping={"metrics": {"nps": "nps"}, "journey": {"from": "fixed", "value": str(org.open_account.pk)}},
    )
    Delivery.objects.create(source=source, body='[{"id": "r1", "nps": 9}]', status="stored", responses_created=1)
    Delivery.objects.create(source=source, body='[{"id": "r2", "nps": 99}]', status="rejected", reason="Off scale")
    # A webhook to a local port nothing listens on (nothing is sent anyway: the test's transaction never commits).
    hook = WebhookSubscription.objects.create(
        name="Tickets", url="http://127.0.0.1:9/hook", events=["followup.opened"], owner=admin
    )
    WebhookDelivery.objects.create(subscription=hook, event_type="followup.opened", payload={"data": {}})
    # A theme of the codebook with a mention and an exclusion.
    waiting = ThemeRuleFactory(phrase="lang wachten").theme
    ThemeRuleFactory(theme=waiting, mode="exclude", phrase="viel mee", position=1)
    # Comments, tagged, for the verbatim search (verbatims/): one Dutch with HTML in it, one English.
    commented = [
        SurveyResponseFactory(journey=org.open_account, touchpoint=org.call, score=3, comment=comment)
        for comment in ("Lang wachten <b>op</b> een reactie, =1+1", "Nobody called me back.")
    ]
    tag_responses([response.pk for response in commented])


def existing_ids() -> dict[str, list[int]]:
    """The first and the last id of each kind."""
    ids = {}
    for prefix, model in MODELS.items():
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        assert pks, f"the fuzz data has no {model.__name__}"
        ids[prefix] = sorted({pks[0], pks[-1]})
    return ids


def strategy_for(operation, ids: dict[str, list[int]]):
    """Valid and invalid requests; for an operation on one object, mostly on one that exists."""
    modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    path_names = {parameter.name for parameter in operation.path_parameters}
    if "id" not in path_names:
        return st.one_of([operation.as_strategy(generation_mode=mode) for mode in modes])
    prefix = operation.path.removeprefix("/api/v1/").split("/")[0]
    branches = [
        operation.as_strategy(generation_mode=mode, path_parameters={"id": pk}) for pk in ids[prefix] for mode in modes
    ]
    branches.append(operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE))
    return st.one_of(branches)


@pytest.fixture
def in_process_requests():
    """Requests made through WSGIHandler share the test's connection (and its transaction): Django must not close
    it at the end of each request, as the test client also ensures."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_no_operation_answers_a_server_error_or_anything_its_schema_does_not_document(in_process_requests, capsys):
    # No email address, as many users have: me/ must still answer what its schema says.
    admin = UserFactory(username="fuzz-admin", role=Role.ADMIN, is_staff=True, is_superuser=True, email="")
    headers = {"Authorization": f"Token {api_key_for(admin)}"}
    build_data(admin)
    ids = existing_ids()
    schema = load_schema()
    tally = Tally()
    started = time.monotonic()

    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy_for(operation, ids))
        def fuzz(case):
            try:
                with transaction.atomic():
                    tally.requests += 1
                    response = case.call_and_validate(headers=headers, checks=CHECKS)
                    tally.statuses[response.status_code] += 1
                    raise Rollback
            except Rollback:
                pass

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as error:  # every operation runs; the failures are listed at the end
            tally.failures[operation.label] = str(error)

    seconds = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nschemathesis: {tally.requests} requests over {len(operations)} operations in {seconds:.0f} s;"
            f" statuses {dict(sorted(tally.statuses.items()))}"
        )
    report = "\n\n".join(f"== {label}\n{message}" for label, message in tally.failures.items())
    assert not tally.failures, f"{len(tally.failures)} operations failed:\n{report}"
    assert len(operations) >= 100
    assert tally.requests >= 1000


def test_the_schema_validates_without_a_warning():
    # drf-spectacular's own check: a field it cannot type (W001) makes the schema guess, and guess wrong.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["", "anne@example.org"])
def test_me_answers_as_its_schema_says_with_or_without_an_email_address(in_process_requests, email):
    user = UserFactory(email=email)
    case = load_schema()["/api/v1/me/"]["GET"].Case()
    response = case.call_and_validate(headers={"Authorization": f"Token {api_key_for(user)}"})
    assert response.json()["email"] == email

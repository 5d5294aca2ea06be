"""The ownership matrix of a journey: stages × departments of the touchpoint owners, the hand-overs between
departments along the journey, and the touchpoints nobody owns."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from journeys.models import Journey, Stage, Touchpoint
from teams.selectors.ownership import ownership_matrix
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory, build_map
from tests.teams.factories import DepartmentFactory, DepartmentMemberFactory

pytestmark = pytest.mark.django_db


def person(name: str, department=None):
    user = UserFactory(first_name=name, last_name="")
    if department is not None:
        DepartmentMemberFactory(user=user, department=department)
    return user


@pytest.fixture
def journey() -> Journey:
    """Orientation: ad (Sales), calculator (Sales) | Application: form (Sales), identity check (no owner),
    policy (IT) | Onboarding: welcome call (Service), first invoice (Zoe, no department)."""
    sales, it, service = (DepartmentFactory(name=n) for n in ("Sales", "IT", "Customer Service"))
    sanne, bram, daan, zoe = person("Sanne", sales), person("Bram", it), person("Daan", service), person("Zoe")
    journey = JourneyFactory(name="Open an account")
    stages = [StageFactory(journey=journey, name=n) for n in ("Orientation", "Application", "Onboarding")]
    for stage, touchpoints in zip(
        stages,
        [
            [("Advertisement", sanne), ("Premium calculator", sanne)],
            [("Application form", sanne), ("Identity check", None), ("Policy documents", bram)],
            [("Welcome call", daan), ("First invoice", zoe)],
        ],
        strict=True,
    ):
        for name, owner in touchpoints:
            TouchpointFactory(stage=stage, name=name, owner=owner)
    return journey


def names(entries) -> list[str]:
    return [entry.touchpoint.name for entry in entries]


def test_columns_are_the_owners_departments_then_no_department(journey):
    matrix = ownership_matrix(journey_id=journey.pk)
    assert [c.name for c in matrix.columns] == ["Customer Service", "IT", "Sales", "No department"]
    assert [c.name for c in ownership_matrix(journey_id=JourneyFactory().pk).columns] == []


def test_cells_hold_the_touchpoints_a_department_owns_in_a_stage(journey):
    matrix = ownership_matrix(journey_id=journey.pk)
    assert [row.stage.name for row in matrix.rows] == ["Orientation", "Application", "Onboarding"]
    grid = [[names(cell) for cell in row.cells] for row in matrix.rows]
    assert grid == [
        [[], [], ["Advertisement", "Premium calculator"], []],
        [[], ["Policy documents"], ["Application form"], []],
        [["Welcome call"], [], [], ["First invoice"]],
    ]
    assert matrix.counts == [1, 1, 3, 1]


def test_every_change_of_department_along_the_journey_is_a_hand_over(journey):
    matrix = ownership_matrix(journey_id=journey.pk)
    assert [(h.before.name, h.after.name, h.from_column.name, h.to_column.name) for h in matrix.handovers] == [
        # The identity check in between has no owner: the chain continues with the next owned touchpoint.
        ("Application form", "Policy documents", "Sales", "IT"),
        ("Policy documents", "Welcome call", "IT", "Customer Service"),
        ("Welcome call", "First invoice", "Customer Service", "No department"),
    ]
    assert [h.crosses_stages for h in matrix.handovers] == [False, True, False]
    # Sales to Sales across a stage boundary is no hand-over.
    entry = {e.touchpoint.name: e for row in matrix.rows for cell in row.cells for e in cell}
    assert entry["Application form"].handover_from is None
    assert entry["Policy documents"].handover_from.name == "Sales"


def test_touchpoints_without_an_owner_are_orphans_in_their_stage(journey):
    matrix = ownership_matrix(journey_id=journey.pk)
    assert [tp.name for tp in matrix.orphans] == ["Identity check"]
    assert [[tp.name for tp in row.orphans] for row in matrix.rows] == [[], ["Identity check"], []]


def test_the_order_follows_the_map_not_the_ids(journey):
    """Moving a touchpoint on the map changes the hand-overs."""
    welcome = Touchpoint.objects.get(name="Welcome call")
    invoice = Touchpoint.objects.get(name="First invoice")
    Touchpoint.objects.filter(pk=welcome.pk).update(position=1)
    Touchpoint.objects.filter(pk=invoice.pk).update(position=0)
    Stage.objects.filter(name="Onboarding").update(position=0)  # the first and last stage swap places
    Stage.objects.filter(name="Orientation").update(position=2)
    matrix = ownership_matrix(journey_id=journey.pk)
    assert [row.stage.name for row in matrix.rows] == ["Onboarding", "Application", "Orientation"]
    assert [(h.before.name, h.after.name) for h in matrix.handovers] == [
        ("First invoice", "Welcome call"),
        ("Welcome call", "Application form"),
        ("Application form", "Policy documents"),
        ("Policy documents", "Advertisement"),
    ]


def test_the_page_shows_the_matrix_the_hand_overs_and_warns_about_orphans(editor_client, journey):
    response = editor_client.get(reverse("teams:ownership", args=[journey.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))
    assert "1 touchpoint has no owner" in text
    assert "Identity check · Application" in text
    assert "Hand-overs: where customers fall between the cracks" in text
    assert "Sales → to IT “Application form” then “Policy documents”" in text
    assert "(Application → Onboarding)" in text
    assert "from Sales" in text  # the mark on "Policy documents" in its cell
    assert (
        '<th scope="col" class="col-none"><span class="col-name" title="No department">No department</span></th>'
        in content
    )
    assert reverse("journeys:map", args=[journey.pk]) in content


def test_a_journey_everyone_owns_from_one_department_has_no_hand_overs_or_warning(editor_client):
    sales = DepartmentFactory(name="Sales")
    stage = StageFactory()
    for owner in (person("Sanne", sales), person("Sem", sales)):
        TouchpointFactory(stage=stage, owner=owner)
    text = editor_client.get(reverse("teams:ownership", args=[stage.journey_id])).content.decode()
    assert "No hand-overs" in text
    assert "has no owner" not in text and "have no owner" not in text


def test_an_unknown_journey_is_404(editor_client):
    assert editor_client.get(reverse("teams:ownership", args=[999])).status_code == 404


@pytest.mark.parametrize("touchpoints_per_stage", [1, 100])
def test_the_matrix_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, touchpoints_per_stage):
    journey = build_map(stages=2, touchpoints_per_stage=touchpoints_per_stage)
    departments = [DepartmentFactory() for _ in range(3)]
    owners = [person(f"Owner {i}", departments[i % 3]) for i in range(4)] + [person("Nobody's")]
    touchpoints = list(journey.touchpoints.all())
    for i, tp in enumerate(touchpoints):
        tp.owner = None if i % 7 == 3 else owners[i % len(owners)]
    Touchpoint.objects.bulk_update(touchpoints, ["owner"])
    assert len(touchpoints) == 2 * touchpoints_per_stage  # 2 and 200
    # session, user, journey (+ group, chain owner), stages, touchpoints (+ channel, owner, owner's department)
    with django_assert_num_queries(5):
        response = editor_client.get(reverse("teams:ownership", args=[journey.pk]))
    assert response.status_code == 200


def test_the_demo_journeys_have_hand_overs_and_a_few_orphans():
    call_command("seed_demo", stdout=StringIO())
    for journey in Journey.objects.filter(state="current"):
        matrix = ownership_matrix(journey_id=journey.pk)
        assert "No department" not in [c.name for c in matrix.columns], journey  # every demo person has one
        assert len(matrix.columns) >= 3, journey
        assert matrix.handovers, journey
        assert len(matrix.orphans) <= 1, journey
    assert sum(len(ownership_matrix(journey_id=j.pk).orphans) for j in Journey.objects.filter(state="current")) == 2

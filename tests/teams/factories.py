from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import factory
from django.db.models.signals import post_save

from journeys.models import JourneyGroup
from teams.models import (
    Department,
    DepartmentMember,
    ImprovementAction,
    Mandate,
    MandateStatus,
    MemberRole,
    Membership,
    Priority,
    Team,
)
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyFactory


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    slug = factory.Sequence(lambda n: f"department-{n}")
    name = factory.Sequence(lambda n: f"Department {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"team-{n}")
    name = factory.Sequence(lambda n: f"Team {n}")
    description = factory.Faker("sentence")

    @factory.post_generation
    def journey_groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.journey_groups.add(*extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.ANALYST
    allocation = 20


class DepartmentMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentMember

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)


class MandateFactory(factory.django.DjangoModelFactory):
    """A proposed mandate for this year's first half."""

    class Meta:
        model = Mandate

    team = factory.SubFactory(TeamFactory)
    budget = Decimal("25000.00")
    hours = 400
    priority = Priority.MEDIUM
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 6, 30)
    status = MandateStatus.PROPOSED


class ActionFactory(factory.django.DjangoModelFactory):
    """An improvement action on a journey; pass team=..., assignee=... as the test needs."""

    class Meta:
        model = ImprovementAction

    title = factory.Sequence(lambda n: f"Action {n}")
    description = factory.Sequence(lambda n: f"User story {n}")  # not random words: tests search actions
    journey = factory.SubFactory(JourneyFactory)
    impact = 3
    effort = 3


@contextmanager
def owning_every_journey_group(user) -> Iterator[Team]:
    """Put `user` in a team that owns every journey group, including those created while this is active.

    For tests about something else than ownership, whose editor must still pass the per-journey edit policy.
    """
    team = TeamFactory(name="Owns everything", slug="owns-everything")
    MembershipFactory(team=team, user=user)
    team.journey_groups.add(*JourneyGroup.objects.all())

    def own(sender, instance, created, **kwargs):
        if created:
            team.journey_groups.add(instance)

    post_save.connect(own, sender=JourneyGroup, dispatch_uid="owning_every_journey_group")
    try:
        yield team
    finally:
        post_save.disconnect(sender=JourneyGroup, dispatch_uid="owning_every_journey_group")

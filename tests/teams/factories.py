import factory

from teams.models import Department, MemberRole, Membership, Team
from tests.cxplatform.factories import UserFactory


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

import factory

from journeys.models import JourneyGroup


class JourneyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JourneyGroup

    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Journey group {n}")
    description = factory.Faker("sentence")
    position = factory.Sequence(lambda n: n)

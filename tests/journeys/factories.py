import factory

from journeys.keys import fill_keys
from journeys.models import Channel, Finding, FindingKind, Journey, JourneyGroup, Persona, Stage, Touchpoint


class JourneyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JourneyGroup

    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Journey group {n}")
    description = factory.Faker("sentence")
    position = factory.Sequence(lambda n: n)


class PersonaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Persona

    name = factory.Sequence(lambda n: f"Persona {n}")
    segment = "Private customers"
    quote = factory.Faker("sentence")
    goals = factory.Faker("sentence")
    frustrations = factory.Faker("sentence")


class ChannelFactory(factory.django.DjangoModelFactory):
    """Channels web, app, phone... exist from the migrations; get_or_create reuses them."""

    class Meta:
        model = Channel
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"channel-{n}")
    name = factory.LazyAttribute(lambda c: c.slug.replace("-", " ").title())
    position = factory.Sequence(lambda n: 100 + n)


class JourneyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Journey
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Journey {n}")
    description = factory.Faker("sentence")
    group = factory.SubFactory(JourneyGroupFactory)

    @factory.post_generation
    def personas(self, create, extracted, **kwargs):
        if create and extracted:
            self.personas.set(extracted)


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    journey = factory.SubFactory(JourneyFactory)
    name = factory.Sequence(lambda n: f"Stage {n}")
    position = factory.LazyAttribute(lambda s: s.journey.stages.count())
    customer_goal = factory.Faker("sentence")
    customer_expectation = factory.Faker("sentence")


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touchpoint

    stage = factory.SubFactory(StageFactory)
    journey = factory.SelfAttribute("stage.journey")
    name = factory.Sequence(lambda n: f"Touchpoint {n}")
    position = factory.LazyAttribute(lambda t: t.stage.touchpoints.count())
    channel = factory.SubFactory(ChannelFactory, slug="web")
    emotion = 0


class FindingFactory(factory.django.DjangoModelFactory):
    """A pain point on a touchpoint; pass touchpoint=None, stage=... for a finding on a stage."""

    class Meta:
        model = Finding

    touchpoint = factory.SubFactory(TouchpointFactory)
    stage = factory.LazyAttribute(lambda f: f.touchpoint.stage)
    journey = factory.LazyAttribute(lambda f: f.stage.journey)
    kind = FindingKind.PAIN_POINT
    text = factory.Faker("sentence")
    severity = 3


def build_map(
    *, stages: int, touchpoints_per_stage: int, findings_per_touchpoint: int = 0, **journey_kwargs
) -> Journey:
    """A journey with a full map (stages "Stage 1".., touchpoints "Stage 1 touchpoint 1"..), inserted in bulk,
    with their keys as the product's bulk paths give them (stage-1, stage-1-touchpoint-1)."""
    journey = JourneyFactory(**journey_kwargs)
    channel = ChannelFactory(slug="web")
    new_stages = [Stage(journey=journey, name=f"Stage {i + 1}", position=i) for i in range(stages)]
    fill_keys(new_stages, fallback="stage")
    stage_objs = Stage.objects.bulk_create(new_stages)
    new_touchpoints = [
        Touchpoint(
            journey=journey,
            stage=stage,
            name=f"{stage.name} touchpoint {j + 1}",
            position=j,
            channel=channel,
            emotion=(j % 5) - 2,
        )
        for stage in stage_objs
        for j in range(touchpoints_per_stage)
    ]
    fill_keys(new_touchpoints, fallback="touchpoint")
    touchpoints = Touchpoint.objects.bulk_create(new_touchpoints)
    Finding.objects.bulk_create(
        [
            Finding(journey=journey, stage_id=tp.stage_id, touchpoint=tp, kind=FindingKind.PAIN_POINT, text=f"Pain {k}")
            for tp in touchpoints
            for k in range(findings_per_touchpoint)
        ]
    )
    journey.refresh_from_db()
    return journey

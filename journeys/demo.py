"""The demo organisation's journey groups (the journeys issue adds journeys, personas and touchpoints)."""

from django.utils.translation import gettext_noop

from .models import JourneyGroup

DEMO_JOURNEY_GROUPS = [
    (
        "becoming-a-customer",
        gettext_noop("Becoming a customer"),
        gettext_noop("Orientation, comparing, applying and onboarding: everything until the customer is on board."),
    ),
    (
        "being-a-customer",
        gettext_noop("Being a customer"),
        gettext_noop("Using the product, getting service, changing details, reporting a claim."),
    ),
    (
        "staying-a-customer",
        gettext_noop("Staying a customer"),
        gettext_noop("Renewal, complaints, loyalty and the moment a customer considers leaving."),
    ),
]


def seed_journey_groups() -> dict[str, JourneyGroup]:
    JourneyGroup.objects.bulk_create(
        [
            JourneyGroup(slug=slug, name=name, description=description, position=position)
            for position, (slug, name, description) in enumerate(DEMO_JOURNEY_GROUPS, start=1)
        ],
        ignore_conflicts=True,
    )
    return {group.slug: group for group in JourneyGroup.objects.filter(slug__in=[g[0] for g in DEMO_JOURNEY_GROUPS])}

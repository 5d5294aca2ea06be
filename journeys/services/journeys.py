from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from cxplatform.lib.versioning import save_if_current
from journeys import hooks
from journeys.models import Channel, Journey, JourneyGroup, JourneyState, Persona, Phase

from .archive import delete_unless_depended_on

JOURNEY_FIELDS = ["name", "description", "group", "state", "phase", "chain_owner"]
PERSONA_FIELDS = ["name", "segment", "quote", "goals", "frustrations", "colour"]


@transaction.atomic
def journey_create(
    *,
    name: str,
    group: JourneyGroup,
    description: str = "",
    personas: Iterable[Persona] = (),
    state: str = JourneyState.CURRENT,
    phase: str = Phase.DISCOVER,
    chain_owner=None,
    current_state: Journey | None = None,
) -> Journey:
    journey = Journey(
        name=name,
        group=group,
        description=description,
        state=state,
        phase=phase,
        chain_owner=chain_owner,
        current_state=current_state,
    )
    journey.full_clean()
    journey.save()
    journey.personas.set(personas)
    return journey


@transaction.atomic
def journey_update(
    *, journey: Journey, expected_version: int, personas: Iterable[Persona] | None = None, **changes
) -> Journey:
    unknown = set(changes) - set(JOURNEY_FIELDS)
    if unknown:
        raise TypeError(f"journey_update() got unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(journey, name, value)
    save_if_current(journey, expected_version=expected_version, fields=[*JOURNEY_FIELDS])
    if personas is not None:
        journey.personas.set(personas)
    return journey


@transaction.atomic
def journey_delete(*, journey: Journey, expected_version: int) -> None:
    """Refused (HasDependents) while responses, actions or cases depend on it: those journeys are archived."""
    deleted = delete_unless_depended_on(journey, expected_version=expected_version)
    hooks.structure_changed(journey_ids=[deleted.pk])


@transaction.atomic
def persona_create(**fields) -> Persona:
    persona = Persona(**fields)
    persona.full_clean()
    persona.save()
    return persona


@transaction.atomic
def persona_update(*, persona: Persona, **changes) -> Persona:
    for name, value in changes.items():
        if name not in PERSONA_FIELDS:
            raise TypeError(f"persona_update() got an unexpected field: {name}")
        setattr(persona, name, value)
    persona.full_clean()
    persona.save()
    return persona


@transaction.atomic
def persona_delete(*, persona: Persona) -> None:
    persona.delete()


@transaction.atomic
def channel_create(*, name: str, slug: str, name_nl: str = "", position: int | None = None) -> Channel:
    if position is None:
        position = (Channel.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    channel = Channel(name=name, name_nl=name_nl, slug=slug, position=position)
    channel.full_clean()
    channel.save()
    return channel


@transaction.atomic
def channel_update(*, channel: Channel, **changes) -> Channel:
    for name, value in changes.items():
        if name not in {"name", "name_nl", "slug", "position"}:
            raise TypeError(f"channel_update() got an unexpected field: {name}")
        setattr(channel, name, value)
    channel.full_clean()
    channel.save()
    return channel


@transaction.atomic
def channel_delete(*, channel: Channel) -> None:
    """Refused (ProtectedError) while touchpoints use the channel."""
    channel.delete()

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max

from cxplatform.accounts.models import User
from cxplatform.lib.unset import UNSET, Unset, given
from cxplatform.lib.versioning import save_if_current
from journeys import hooks
from journeys.live import journey_changed
from journeys.models import Channel, Journey, JourneyGroup, JourneyState, Persona, Phase

from .archive import delete_unless_depended_on
from .keys import check_journey_key, key_collision_refused
from .recording import record_map

JOURNEY_FIELDS = ["name", "key", "description", "group", "state", "phase", "chain_owner"]
PERSONA_FIELDS = ["name", "segment", "quote", "goals", "frustrations", "colour"]


@transaction.atomic
def journey_create(
    *,
    name: str,
    group: JourneyGroup,
    key: str = "",
    description: str = "",
    personas: Iterable[Persona] = (),
    state: str = JourneyState.CURRENT,
    phase: str = Phase.DISCOVER,
    chain_owner: User | None = None,
    current_state: Journey | None = None,
) -> Journey:
    journey = Journey(
        name=name,
        key=key,
        group=group,
        description=description,
        state=state,
        phase=phase,
        chain_owner=chain_owner,
        current_state=current_state,
    )
    check_journey_key(journey)
    journey.full_clean()
    with key_collision_refused():
        journey.save()
    journey.personas.set(personas)
    journey_changed(journey.pk)
    return journey


@transaction.atomic
def journey_update(
    *,
    journey: Journey,
    expected_version: int,
    personas: Iterable[Persona] | None = None,
    name: str | Unset = UNSET,
    key: str | Unset = UNSET,
    description: str | Unset = UNSET,
    group: JourneyGroup | Unset = UNSET,
    state: str | Unset = UNSET,
    phase: str | Unset = UNSET,
    chain_owner: User | Unset | None = UNSET,
) -> Journey:
    """Change the fields given (JOURNEY_FIELDS); `personas`, when given, replaces the journey's personas."""
    journey_changed(journey.pk)
    changes = given(
        name=name, key=key, description=description, group=group, state=state, phase=phase, chain_owner=chain_owner
    )
    for field, value in changes.items():
        setattr(journey, field, value)
    if "key" in changes:
        check_journey_key(journey)  # an empty key is made from the name again
    with key_collision_refused():
        save_if_current(journey, expected_version=expected_version, fields=[*JOURNEY_FIELDS])
    record_map(journey.pk, only=[journey])
    if personas is not None:
        journey.personas.set(personas)
    return journey


@transaction.atomic
def journey_delete(*, journey: Journey, expected_version: int) -> None:
    """Refused (HasDependents) while responses, actions or cases depend on it: those journeys are archived."""
    journey_changed(journey.pk)
    deleted = delete_unless_depended_on(journey, expected_version=expected_version)
    hooks.structure_changed(journey_ids=[deleted.pk])


@transaction.atomic
def persona_create(**fields: Any) -> Persona:
    persona = Persona(**fields)
    persona.full_clean()
    persona.save()
    return persona


@transaction.atomic
def persona_update(
    *,
    persona: Persona,
    name: str | Unset = UNSET,
    segment: str | Unset = UNSET,
    quote: str | Unset = UNSET,
    goals: str | Unset = UNSET,
    frustrations: str | Unset = UNSET,
    colour: str | Unset = UNSET,
) -> Persona:
    changes = given(name=name, segment=segment, quote=quote, goals=goals, frustrations=frustrations, colour=colour)
    for field, value in changes.items():
        setattr(persona, field, value)
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
def channel_update(
    *,
    channel: Channel,
    name: str | Unset = UNSET,
    name_nl: str | Unset = UNSET,
    slug: str | Unset = UNSET,
    position: int | Unset = UNSET,
) -> Channel:
    for field, value in given(name=name, name_nl=name_nl, slug=slug, position=position).items():
        setattr(channel, field, value)
    channel.full_clean()
    channel.save()
    return channel


@transaction.atomic
def channel_delete(*, channel: Channel) -> None:
    """Refused (ProtectedError) while touchpoints use the channel."""
    channel.delete()

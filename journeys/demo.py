"""The demo organisation's journey groups, personas, channels and journeys (bulk inserts, idempotent)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from .demo_content import JOURNEYS, PERSONAS
from .demo_dutch import demo_text, english_of
from .keys import fill_keys
from .models import Channel, Finding, Journey, JourneyGroup, JourneyState, Persona, Stage, Touchpoint
from .services import journey_create_future_state, recording, touchpoint_create, touchpoint_delete, touchpoint_update

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
FUTURE_STATE_OF = "Report a claim"


def seed_journey_groups() -> dict[str, JourneyGroup]:
    """In the installation's language (settings.LANGUAGE_CODE): the group names are in the message catalogue."""
    with translation.override(settings.LANGUAGE_CODE):
        groups = [
            JourneyGroup(slug=slug, name=gettext(name), description=gettext(description), position=position)
            for position, (slug, name, description) in enumerate(DEMO_JOURNEY_GROUPS, start=1)
        ]
    JourneyGroup.objects.bulk_create(groups, ignore_conflicts=True)
    return {group.slug: group for group in JourneyGroup.objects.filter(slug__in=[g[0] for g in DEMO_JOURNEY_GROUPS])}


def seed_personas() -> dict[str, Persona]:
    """The demo personas, by their English names."""
    texts = ("name", "segment", "quote", "goals", "frustrations")
    rows = [{key: demo_text(value) if key in texts else value for key, value in data.items()} for data in PERSONAS]
    Persona.objects.bulk_create([Persona(**data) for data in rows], ignore_conflicts=True)
    return {data["name"]: Persona.objects.get(name=demo_text(data["name"])) for data in PERSONAS}


# The default channels (migrations 0002 and 0004), made again when a database lost them (a flushed one), so
# that the demo's touchpoints always have their channel: (slug, English name, Dutch name).
DEFAULT_CHANNELS = [
    ("web", "Web", "Website"),
    ("app", "App", "App"),
    ("phone", "Phone", "Telefoon"),
    ("store", "Store", "Winkel"),
    ("email", "Email", "E-mail"),
    ("chat", "Chat", "Chat"),
    ("social", "Social", "Sociale media"),
    ("letter", "Letter", "Brief"),
]


def _channels() -> dict[str, Channel]:
    channels = {c.slug: c for c in Channel.objects.all()}
    missing = [
        Channel(slug=slug, name=name, name_nl=name_nl, position=position)
        for position, (slug, name, name_nl) in enumerate(DEFAULT_CHANNELS, start=1)
        if slug not in channels
    ]
    if missing:
        Channel.objects.bulk_create(missing, ignore_conflicts=True)
        channels = {c.slug: c for c in Channel.objects.all()}
    return channels


def seed_journeys(*, people: dict, groups: dict[str, JourneyGroup]) -> list[Journey]:
    """The demo journeys with their maps. A journey that already exists (same group and name) is left alone."""
    personas = seed_personas()
    channels = _channels()
    # Archived ones too: seeding again must not bring a second copy of an archived demo journey.
    existing = set(Journey.all_objects.filter(state=JourneyState.CURRENT).values_list("group__slug", "name"))
    created = []
    for spec in JOURNEYS:
        if (spec["group"], demo_text(spec["name"])) in existing:
            continue
        journey = Journey(
            name=demo_text(spec["name"]),
            description=demo_text(spec["description"]),
            group=groups[spec["group"]],
            phase=spec["phase"],
            chain_owner=people.get(spec["chain_owner"]),
        )
        journey.save_without_historical_record()  # seeding records no history (journeys.services.recording)
        journey.personas.set([personas[name] for name in spec["personas"]])
        _build_map(journey, spec["stages"], channels, people)
        created.append(journey)
    with recording.paused():
        _seed_future_state()
    return created


def _build_map(journey: Journey, stage_specs: list, channels: dict, people: dict) -> None:
    stages = [
        Stage(
            journey=journey,
            position=i,
            name=demo_text(name),
            customer_goal=demo_text(goal),
            customer_expectation=demo_text(expectation),
        )
        for i, (name, goal, expectation, _touchpoints) in enumerate(stage_specs)
    ]
    fill_keys(stages, fallback="stage")
    Stage.objects.bulk_create(stages)
    rows = []
    for stage, (_name, _goal, _expectation, touchpoints) in zip(stages, stage_specs, strict=True):
        for position, (name, channel, emotion, owner, truth, expectation, findings) in enumerate(touchpoints):
            touchpoint = Touchpoint(
                journey=journey,
                stage=stage,
                position=position,
                name=demo_text(name),
                channel=channels.get(channel),
                emotion=emotion,
                owner=people.get(owner) if owner else None,
                is_moment_of_truth=truth,
                customer_expectation=demo_text(expectation),
            )
            rows.append((touchpoint, findings))
    fill_keys([touchpoint for touchpoint, _ in rows], fallback="touchpoint")
    Touchpoint.objects.bulk_create([touchpoint for touchpoint, _ in rows])
    Finding.objects.bulk_create(
        [
            Finding(
                journey=journey,
                stage_id=touchpoint.stage_id,
                touchpoint=touchpoint,
                kind=kind,
                text=demo_text(text),
                source=source,
                severity=severity,
            )
            for touchpoint, findings in rows
            for kind, text, source, severity in findings
        ]
    )


def _seed_future_state() -> None:
    """A redesign of "Report a claim", so the compare page has something to show."""
    current = Journey.objects.filter(name=demo_text(FUTURE_STATE_OF), state=JourneyState.CURRENT).first()
    if current is None or Journey.all_objects.filter(current_state=current).exists():
        return
    future = journey_create_future_state(journey=current)
    touchpoints = {english_of(t.name): t for t in future.touchpoints.select_related("stage")}
    form = touchpoints["Claim form in the app"]
    touchpoint_update(
        touchpoint=form,
        expected_version=form.version,
        name=demo_text("Claim form in the app, saved as you go"),
        emotion=1,
        customer_expectation=demo_text("Start now, add photos later, never lose what I typed"),
    )
    letter = touchpoints["Request for extra documents"]
    touchpoint_delete(touchpoint=letter, expected_version=letter.version)
    touchpoint_create(
        stage=touchpoints["Status update in the app"].stage,
        name=demo_text("Checklist of documents per claim type"),
        channel=Channel.objects.filter(slug="app").first(),
        emotion=1,
        customer_expectation=demo_text("Know at once everything that is needed"),
    )


def seed_history_baselines() -> None:
    """The demo's parts were written with history paused (fast); each gets its hidden baseline row now, in bulk,
    so that a newcomer's first edit shows in the journey's History as a change from the demo's value. Run after
    every seeder: the teams and metrics demos change no map, but this must see the map as they leave it."""
    recording.record_baselines()

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cxplatform.audit import actions as audit_actions
from cxplatform.audit.recording import record as audit_record
from journeys.live import journey_changed
from journeys.models import Finding, Journey, JourneyState, Phase, Stage, Touchpoint
from journeys.selectors import ON_THE_MAP_FINDING
from journeys.services.recording import record_map

STAGE_COPY = ["name", "key", "customer_goal", "customer_expectation", "position"]
TOUCHPOINT_COPY = [
    "name",
    "key",
    "channel_id",
    "description",
    "customer_expectation",
    "emotion",
    "is_moment_of_truth",
    "owner_id",
    "position",
]
FINDING_COPY = ["kind", "text", "source", "severity"]


class FutureStateExists(Exception):
    """A future state of the journey exists already: `existing` (the first). Ask again with `another=True`
    to make one more, named distinctly ("… (future state 2)")."""

    def __init__(self, journey: Journey, existing: Journey):
        self.journey = journey
        self.existing = existing
        self.message = _(
            "“%(name)s” already has a future state, “%(future)s”. Open it, or create another one on purpose."
        ) % {"name": journey.name, "future": existing.name}
        super().__init__(self.message)


def future_state_name(journey: Journey) -> str:
    """“X (future state)”, or “X (future state 2)”, 3... when the name is taken by another of its future states
    (archived ones included: two journeys of one name look the same in every list and chart)."""
    taken = set(Journey.all_objects.filter(current_state=journey).values_list("name", flat=True))
    name = _("%(name)s (future state)") % {"name": journey.name}
    number = 1
    while name in taken:
        number += 1
        name = _("%(name)s (future state %(number)s)") % {"name": journey.name, "number": number}
    return name


@transaction.atomic
def journey_create_future_state(*, journey: Journey, name: str | None = None, another: bool = False) -> Journey:
    """Copy the whole journey (stages, touchpoints, findings) as a future state linked to it.

    Never a second one silently: while it has a future state on the map, refused with FutureStateExists
    unless `another` (or a name of its own) says a second one is meant; a second default name is numbered."""
    if journey.state != JourneyState.CURRENT:
        raise ValidationError(_("Only a current-state journey can get a future state."))
    Journey.objects.select_for_update().filter(pk=journey.pk).first()  # two clicks at once: one waits
    existing = Journey.objects.filter(current_state=journey).order_by("id").first()
    if existing is not None and not another and not name:
        raise FutureStateExists(journey, existing)
    if name and Journey.all_objects.filter(current_state=journey, name=name).exists():
        raise ValidationError({"name": _("A future state of this journey already has this name.")})
    future = Journey(
        name=name or future_state_name(journey),
        description=journey.description,
        group_id=journey.group_id,
        state=JourneyState.FUTURE,
        current_state=journey,
        phase=Phase.DEVELOP,
        chain_owner_id=journey.chain_owner_id,
    )
    future.full_clean()
    future.save()
    future.personas.set(journey.personas.all())

    stages = list(journey.stages.order_by("position", "id"))
    new_stages = Stage.objects.bulk_create(
        [Stage(journey=future, **{f: getattr(s, f) for f in STAGE_COPY}) for s in stages]
    )
    stage_map = {old.pk: new.pk for old, new in zip(stages, new_stages, strict=True)}

    touchpoints = list(journey.touchpoints.order_by("stage__position", "position", "id"))
    new_touchpoints = Touchpoint.objects.bulk_create(
        [
            Touchpoint(
                journey=future,
                stage_id=stage_map[t.stage_id],
                copied_from=t,
                **{f: getattr(t, f) for f in TOUCHPOINT_COPY},
            )
            for t in touchpoints
        ]
    )
    # Keyed by int | None: a finding on no touchpoint maps to None (a stage finding).
    touchpoint_map: dict[int | None, int] = {
        old.pk: new.pk for old, new in zip(touchpoints, new_touchpoints, strict=True)
    }

    Finding.objects.bulk_create(
        [
            Finding(
                journey=future,
                stage_id=stage_map[f.stage_id],
                touchpoint_id=touchpoint_map.get(f.touchpoint_id),
                **{name: getattr(f, name) for name in FINDING_COPY},
            )
            for f in journey.findings.filter(ON_THE_MAP_FINDING).order_by("id")
        ]
    )
    record_map(future.pk, new=True)  # bulk_create fires no history signals
    # Nor audit signals: one row for the parts copied (the journey's own creation is recorded by its save()).
    audit_record(
        audit_actions.COPY,
        obj=future,
        detail={"from": journey.pk, "stages": len(new_stages), "touchpoints": len(new_touchpoints)},
    )
    journey_changed(future.pk)
    return future

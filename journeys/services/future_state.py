from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from journeys.models import Finding, Journey, JourneyState, Phase, Stage, Touchpoint

STAGE_COPY = ["name", "customer_goal", "customer_expectation", "position"]
TOUCHPOINT_COPY = [
    "name",
    "channel_id",
    "description",
    "customer_expectation",
    "emotion",
    "is_moment_of_truth",
    "owner_id",
    "position",
]
FINDING_COPY = ["kind", "text", "source", "severity"]


@transaction.atomic
def journey_create_future_state(*, journey: Journey, name: str | None = None) -> Journey:
    """Copy the whole journey (stages, touchpoints, findings) as a future state linked to it."""
    if journey.state != JourneyState.CURRENT:
        raise ValidationError(_("Only a current-state journey can get a future state."))
    future = Journey(
        name=name or _("%(name)s (future state)") % {"name": journey.name},
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
    touchpoint_map = {old.pk: new.pk for old, new in zip(touchpoints, new_touchpoints, strict=True)}

    Finding.objects.bulk_create(
        [
            Finding(
                journey=future,
                stage_id=stage_map[f.stage_id],
                touchpoint_id=touchpoint_map.get(f.touchpoint_id),
                **{name: getattr(f, name) for name in FINDING_COPY},
            )
            for f in journey.findings.order_by("id")
        ]
    )
    return future

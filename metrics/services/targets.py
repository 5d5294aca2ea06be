"""Targets of NPS, CSAT and CES: set, change (refused when stale) and remove, for the whole organisation, a
journey or one touchpoint. Who may do so is checked by the callers (metrics.permissions.can_manage_kpis).

The value is on the metric's reporting scale (TARGET_RANGES). A touchpoint's target is on the touchpoint's
journey: taken from the touchpoint when not given, refused when another. One target per metric and scope: a
second one is refused with a message that names the target already there, never left to the database's
unique constraints (an IntegrityError would be a 500).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxplatform.accounts.models import User
from cxplatform.lib.unset import UNSET, Unset, given
from cxplatform.lib.versioning import delete_if_current, save_if_current
from journeys.models import Journey, Touchpoint
from metrics.models import Metric, MetricTarget

# (lowest, highest) target of each metric, on its reporting scale: the NPS score, the CSAT % satisfied (4-5),
# the CES mean (1-7).
TARGET_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    Metric.NPS: (Decimal(-100), Decimal(100)),
    Metric.CSAT: (Decimal(0), Decimal(100)),
    Metric.CES: (Decimal(1), Decimal(7)),
}
RANGE_HELP = gettext_lazy(
    "On the metric's reporting scale: NPS a score from -100 to 100, CSAT the % of satisfied customers (0 to 100), "
    "CES the mean ease score (1 to 7)."
)

TARGET_FIELDS = ["metric", "journey", "touchpoint", "value"]


def _range_error(target: MetricTarget) -> str | None:
    low, high = TARGET_RANGES[target.metric]
    if low <= target.value <= high:
        return None
    return _("A target for %(metric)s lies between %(low)s and %(high)s; %(value)s is outside that range.") % {
        "metric": target.get_metric_display(),
        "low": low,
        "high": high,
        "value": target.value,
    }


def _scope_error(target: MetricTarget) -> str | None:
    """A touchpoint target takes its journey from the touchpoint when none is given; another journey is refused."""
    touchpoint = target.touchpoint  # None, without a query, when there is none
    if touchpoint is None:
        return None
    if target.journey_id is None:
        target.journey_id = touchpoint.journey_id
        return None
    if touchpoint.journey_id != target.journey_id:
        journey = target.journey
        assert journey is not None  # journey_id is set
        return _("“%(touchpoint)s” is a touchpoint of another journey than “%(journey)s”.") % {
            "touchpoint": touchpoint.name,
            "journey": journey.name,
        }
    return None


def _same_scope(target: MetricTarget) -> QuerySet[MetricTarget]:
    """The other targets of the same metric and scope (at most one exists: the unique constraints)."""
    others = MetricTarget.objects.filter(metric=target.metric).exclude(pk=target.pk)
    if target.touchpoint_id is not None:
        return others.filter(touchpoint_id=target.touchpoint_id)
    if target.journey_id is not None:
        return others.filter(journey_id=target.journey_id, touchpoint__isnull=True)
    return others.filter(journey__isnull=True, touchpoint__isnull=True)


def _duplicate_error(target: MetricTarget) -> ValidationError:
    """The message for a second target of one metric and scope, at the field that sets the scope."""
    metric = target.get_metric_display()
    touchpoint = target.touchpoint
    if touchpoint is not None:
        message = _("The touchpoint “%(scope)s” already has a target for %(metric)s: change that one instead.")
        return ValidationError({"touchpoint": message % {"scope": touchpoint.name, "metric": metric}})
    journey = target.journey
    if journey is not None:
        message = _("The journey “%(scope)s” already has a target for %(metric)s: change that one instead.")
        return ValidationError({"journey": message % {"scope": journey.name, "metric": metric}})
    message = _(
        "The whole organisation already has a target for %(metric)s: change that one instead, or choose a "
        "journey or a touchpoint."
    )
    return ValidationError({"metric": message % {"metric": metric}})


def _validate(target: MetricTarget) -> None:
    """Every problem at its field: the model's own rules (metric, digits), the range, the scope, a duplicate."""
    errors: dict[str, list[str]] = {}
    try:
        target.full_clean(exclude=["updated_by"], validate_constraints=False)
    except ValidationError as error:
        errors = error.message_dict
    if "metric" not in errors and "value" not in errors:
        message = _range_error(target)
        if message:
            errors["value"] = [message]
    if "touchpoint" not in errors and "journey" not in errors:
        message = _scope_error(target)
        if message:
            errors["touchpoint"] = [message]
    if errors:
        raise ValidationError(errors)
    if _same_scope(target).exists():
        raise _duplicate_error(target)


@transaction.atomic
def target_create(
    *,
    metric: str,
    value: Decimal,
    journey: Journey | None = None,
    touchpoint: Touchpoint | None = None,
    user: User | None = None,
) -> MetricTarget:
    """Set the target of `metric` for the organisation (no journey, no touchpoint), a journey or a touchpoint.
    Raises a ValidationError keyed by field."""
    target = MetricTarget(metric=metric, value=value, journey=journey, touchpoint=touchpoint, updated_by=user)
    _validate(target)
    try:
        # A savepoint: when someone else set the same target a moment ago, the transaction goes on.
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise _duplicate_error(target) from None
    return target


@transaction.atomic
def target_update(
    *,
    target: MetricTarget,
    expected_version: int,
    user: User | None = None,
    metric: str | Unset = UNSET,
    journey: Journey | Unset | None = UNSET,
    touchpoint: Touchpoint | Unset | None = UNSET,
    value: Decimal | Unset = UNSET,
) -> MetricTarget:
    """Change a target's metric, scope or value (those given). A new touchpoint without a journey brings its own
    journey. Raises StaleVersion (nothing saved) when someone else changed or removed it since
    `expected_version`, and a ValidationError keyed by field."""
    changes = given(metric=metric, journey=journey, touchpoint=touchpoint, value=value)
    if changes.get("touchpoint") is not None and "journey" not in changes:
        changes["journey"] = None  # taken from the touchpoint
    for field, new in changes.items():
        setattr(target, field, new)
    _validate(target)
    target.updated_by = user
    target.updated_at = timezone.now()  # an UPDATE statement does not apply auto_now
    try:
        with transaction.atomic():
            return save_if_current(
                target, expected_version=expected_version, fields=[*TARGET_FIELDS, "updated_by", "updated_at"]
            )
    except IntegrityError:
        raise _duplicate_error(target) from None


@transaction.atomic
def target_delete(*, target: MetricTarget, expected_version: int | None = None) -> MetricTarget:
    """Remove a target; then the next less specific one applies. With `expected_version`, raises StaleVersion
    (nothing removed) when someone else changed or removed it since."""
    if expected_version is None:
        target.delete()
        return target
    return delete_if_current(target, expected_version=expected_version)

"""Custom KPIs and their measurements: define, edit (refused when stale), delete, record (one value per period:
recording a period again replaces its value), by one, by a batch (all or nothing) or from a CSV file
(metrics.services.kpi_csv)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cxplatform.accounts.models import User
from cxplatform.audit import actions as audit_actions
from cxplatform.audit.recording import record
from cxplatform.lib.unset import UNSET, Unset, given
from cxplatform.lib.versioning import delete_if_current, save_if_current
from journeys.models import Channel, Journey, Touchpoint
from metrics.models import CustomKpi, KpiMeasurement

# The fields of a KPI that its form and its service take, in the form's order.
KPI_FIELDS = [
    "name",
    "kind",
    "description",
    "unit",
    "direction",
    "target",
    "tolerance",
    "owner",
    "journey",
    "touchpoint",
    "channel",
]


def _check_scope(kpi: CustomKpi) -> None:
    """A touchpoint KPI is on the touchpoint's journey: taken from it when not given, refused when another."""
    touchpoint = kpi.touchpoint  # None, without a query, when there is none
    if touchpoint is None:
        return
    if kpi.journey_id is None:
        kpi.journey_id = touchpoint.journey_id
    elif touchpoint.journey_id != kpi.journey_id:
        raise ValidationError({"touchpoint": _("This touchpoint belongs to another journey than the KPI's.")})


def _unknown(fields: dict[str, Any], name: str) -> None:
    unknown = set(fields) - set(KPI_FIELDS)
    if unknown:
        raise TypeError(f"{name}() got unexpected fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def kpi_create(*, name: str, unit: str, target: Decimal, **fields: Any) -> CustomKpi:
    """Define a KPI; `fields` are the other model fields of KPI_FIELDS (owner, journey, direction...)."""
    _unknown(fields, "kpi_create")
    kpi = CustomKpi(name=name, unit=unit, target=target, **fields)
    _check_scope(kpi)
    kpi.full_clean()
    kpi.save()
    return kpi


@transaction.atomic
def kpi_update(
    *,
    kpi: CustomKpi,
    expected_version: int,
    name: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    description: str | Unset = UNSET,
    unit: str | Unset = UNSET,
    direction: str | Unset = UNSET,
    target: Decimal | Unset = UNSET,
    tolerance: Decimal | Unset = UNSET,
    owner: User | Unset | None = UNSET,
    journey: Journey | Unset | None = UNSET,
    touchpoint: Touchpoint | Unset | None = UNSET,
    channel: Channel | Unset | None = UNSET,
) -> CustomKpi:
    """Change the fields given of a KPI's definition (KPI_FIELDS). Raises StaleVersion (nothing saved) when
    someone else changed it since `expected_version`."""
    changes = given(
        name=name,
        kind=kind,
        description=description,
        unit=unit,
        direction=direction,
        target=target,
        tolerance=tolerance,
        owner=owner,
        journey=journey,
        touchpoint=touchpoint,
        channel=channel,
    )
    for field, value in changes.items():
        setattr(kpi, field, value)
    _check_scope(kpi)
    return save_if_current(kpi, expected_version=expected_version, fields=KPI_FIELDS)


@transaction.atomic
def kpi_delete(*, kpi: CustomKpi, expected_version: int | None = None) -> None:
    """Delete the KPI and its measurements. With `expected_version`, raises StaleVersion (nothing deleted) when
    someone else changed or deleted it since."""
    if expected_version is None:
        kpi.delete()
    else:
        delete_if_current(kpi, expected_version=expected_version)


# Measurements


@dataclass(frozen=True)
class MeasurementInput:
    period_start: date
    value: Decimal
    note: str = ""


@dataclass(frozen=True)
class ItemProblem:
    """Why item `index` (0-based, in the order sent) of a batch was refused, and at which field."""

    index: int
    field: str
    message: str


class MeasurementsRejected(ValidationError):
    """A batch with at least one bad item; nothing was stored. `problems` lists every bad item."""

    def __init__(self, problems: list[ItemProblem]):
        self.problems = problems
        super().__init__(
            [_("Item %(index)s, %(field)s: %(message)s") % asdict(p) for p in problems], code="invalid_batch"
        )


def _item(index: int) -> str:
    return _("item %(index)s") % {"index": index}


def measurement_problems(items: list[MeasurementInput], *, describe: Callable[[int], str] = _item) -> list[ItemProblem]:
    """Every problem of every item (the model's own rules: digits, note length), and periods sent twice;
    `describe(index)` names an earlier item in that message ("item 3", "line 5")."""
    problems: list[ItemProblem] = []
    first_index: dict[date, int] = {}
    for index, item in enumerate(items):
        if isinstance(item.value, Decimal) and not item.value.is_finite():
            problems.append(ItemProblem(index, "value", _("Enter a number.")))
            continue
        measurement = KpiMeasurement(period_start=item.period_start, value=item.value, note=item.note)
        try:
            # The KPI is checked once by the caller; uniqueness is what the upsert resolves.
            measurement.full_clean(exclude=["kpi"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                field = "non_field_errors" if field == NON_FIELD_ERRORS else field
                problems.extend(ItemProblem(index, field, message) for message in messages)
            continue
        if item.period_start in first_index:
            problems.append(
                ItemProblem(
                    index,
                    "period_start",
                    _("The period %(period)s is also in %(other)s; give one value per period.")
                    % {"period": item.period_start.isoformat(), "other": describe(first_index[item.period_start])},
                )
            )
        else:
            first_index[item.period_start] = index
    return problems


@transaction.atomic
def measurements_record(*, kpi: CustomKpi, items: list[MeasurementInput]) -> list[KpiMeasurement]:
    """Record the values of several periods, all or nothing: raises MeasurementsRejected listing every bad item
    before anything is written. A period that already has a value gets the new one (an upsert, so two
    recordings of one period at the same time leave one row)."""
    problems = measurement_problems(items)
    if problems:
        raise MeasurementsRejected(problems)
    rows = [KpiMeasurement(kpi=kpi, period_start=item.period_start, value=item.value, note=item.note) for item in items]
    stored = KpiMeasurement.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["kpi", "period_start"],
        update_fields=["value", "note"],
    )
    # An upsert in bulk, past the save() signals: one audit row with the count.
    record(audit_actions.IMPORT, obj=kpi, fields=["measurements"], detail={"measurements": len(stored)})
    return stored


@transaction.atomic
def measurement_record(*, kpi: CustomKpi, period_start: date, value: Decimal, note: str = "") -> KpiMeasurement:
    """Record the KPI's value for the period starting `period_start`, replacing any value it had. Raises a
    ValidationError keyed by field."""
    try:
        measurements_record(kpi=kpi, items=[MeasurementInput(period_start=period_start, value=value, note=note)])
    except MeasurementsRejected as rejected:
        errors: dict[str, list[str]] = {}
        for problem in rejected.problems:
            errors.setdefault(problem.field, []).append(problem.message)
        raise ValidationError(errors) from None
    return KpiMeasurement.objects.get(kpi=kpi, period_start=period_start)

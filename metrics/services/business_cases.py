"""Business cases of improvement actions: the investment and the gains by type, expected and (later) realised."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.audit import actions as audit_actions
from cxplatform.audit.recording import record
from cxplatform.lib.versioning import delete_if_current, save_if_current
from metrics.models import BusinessCase, BusinessCaseGain, GainType
from teams.models import ImprovementAction

CASE_FIELDS = ["investment", "effect_weeks", "notes", "updated_at"]
ZERO = Decimal("0")

# gain type -> (expected, realised); realised None until the gain has been measured.
Gains = Mapping[str, tuple[Decimal, Decimal | None]]


def _validated(case: BusinessCase, gains: Gains) -> list[BusinessCaseGain]:
    """Check the case and its gains (every problem at once, keyed by field: `<type>_expected` for a gain) and
    return the gains to store; a type with nothing expected and nothing realised is not stored."""
    unknown = sorted(set(gains) - set(GainType.values))
    if unknown:
        raise ValidationError(
            {
                "gains": _("Unknown gain type: %(types)s. The types are: %(known)s.")
                % {"types": ", ".join(unknown), "known": ", ".join(GainType.values)}
            }
        )
    rows: list[BusinessCaseGain] = []
    errors: dict[str, list[str]] = {}
    try:
        case.full_clean(exclude=["action"])
    except ValidationError as error:
        errors.update(error.message_dict)
    for gain_type, label in GainType.choices:  # the types' own order, as the form shows them
        if gain_type not in gains:
            continue
        expected, realised = gains[gain_type]
        if (expected or ZERO) == ZERO and realised is None:
            continue
        row = BusinessCaseGain(case=case, type=gain_type, expected=expected or ZERO, realised=realised)
        try:
            row.full_clean(exclude=["case"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(f"{gain_type}_{name}", []).extend(f"{label}: {message}" for message in messages)
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    return rows


@transaction.atomic
def business_case_save(
    *,
    action: ImprovementAction,
    investment: Decimal,
    gains: Gains,
    effect_weeks: int | None = None,
    notes: str = "",
    expected_version: int | None = None,
) -> BusinessCase:
    """Create the action's business case, or update it: then `expected_version` is the version the change is
    based on (StaleVersion when someone else saved it since). `gains` replaces all gains of the case."""
    # Lock the action: two first saves at once would otherwise both try to create its one case.
    ImprovementAction.objects.select_for_update().filter(pk=action.pk).first()
    case = BusinessCase.objects.filter(action=action).first()
    if case is None:
        case = BusinessCase(action=action, investment=investment, notes=notes)
        if effect_weeks is not None:
            case.effect_weeks = effect_weeks
        rows = _validated(case, gains)
        case.save()
    else:
        if expected_version is None:
            raise ValidationError(
                {"action": _("This action already has a business case: change that one, with the version it has.")}
            )
        case.investment, case.notes = investment, notes
        if effect_weeks is not None:
            case.effect_weeks = effect_weeks
        rows = _validated(case, gains)
        case.updated_at = timezone.now()
        save_if_current(case, expected_version=expected_version, fields=CASE_FIELDS)
        case.gains.all().delete()
    BusinessCaseGain.objects.bulk_create(rows)
    # bulk_create sends no save() signal: the gains written are named on the case.
    record(audit_actions.UPDATE, obj=case, fields=["gains"], detail={"gains": len(rows)})
    return case


@transaction.atomic
def business_case_delete(*, case: BusinessCase, expected_version: int | None = None) -> None:
    """Delete the case and its gains. With `expected_version`, raises StaleVersion (nothing deleted) when
    someone else changed or deleted it since."""
    if expected_version is None:
        case.delete()
    else:
        delete_if_current(case, expected_version=expected_version)

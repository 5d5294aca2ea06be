"""Who may do what with voice-of-the-customer data. Used by the pages and the API alike.

- Everyone logged in reads scores, KPIs, business cases and the responses behind them.
- CX editors and admins ingest survey responses (API, CSV).
- Managers and admins define custom KPIs and their targets; CX editors and admins record measurements too.
- A follow-up case is worked by its owner (the touchpoint's process owner) and admins; managers and CX
  editors read the cases.
- A business case belongs to its improvement action: whoever manages the action (teams.permissions) edits it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cxplatform.accounts.roles import Role, has_role, is_admin
from teams.permissions import can_manage_action

NOT_AN_INGESTER = _("Only CX editors and admins can load survey responses.")
NOT_A_KPI_MANAGER = _("Only managers and admins can define KPIs and their targets.")
NOT_A_MEASURER = _("Only managers, CX editors and admins can record KPI measurements.")
NOT_YOUR_CASE = _("Only the case's owner and admins can work on this follow-up case.")
NOT_A_CASE_READER = _("Only the case's owner, managers, CX editors and admins can see this follow-up case.")
NOT_A_CASE_ASSIGNER = _("Only admins can give a follow-up case to someone else.")
NOT_YOUR_BUSINESS_CASE = _("Only CX editors of the action's team, and admins, can change its business case.")


def can_ingest_responses(user) -> bool:
    return is_admin(user) or has_role(user, Role.CX_EDITOR)


def can_manage_kpis(user) -> bool:
    return is_admin(user) or has_role(user, Role.MANAGER)


def can_record_measurements(user) -> bool:
    return is_admin(user) or has_role(user, Role.MANAGER, Role.CX_EDITOR)


def can_work_case(user, case) -> bool:
    return is_admin(user) or bool(user.is_authenticated and case.owner_id == user.pk)


def can_see_all_cases(user) -> bool:
    """Everyone's cases (the unassigned ones too): admins, managers and CX editors; others see their own."""
    return is_admin(user) or has_role(user, Role.MANAGER, Role.CX_EDITOR)


def can_see_case(user, case) -> bool:
    return can_see_all_cases(user) or bool(user.is_authenticated and case.owner_id == user.pk)


def can_reassign_case(user) -> bool:
    return is_admin(user)


def can_edit_business_case(user, action) -> bool:
    return can_manage_action(user, action)


NOT_A_CODEBOOK_EDITOR = _("Only CX editors and admins can change the codebook of themes.")


def can_edit_codebook(user) -> bool:
    """The themes and their rules (issue 17): CX editors and admins. Everyone logged in reads the themes, the
    figures and the verbatims, as they read the responses."""
    return is_admin(user) or has_role(user, Role.CX_EDITOR)

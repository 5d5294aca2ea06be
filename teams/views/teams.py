"""Teams, a team's page, and its mandates: proposed by the team's CX editors, decided by management."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from teams import services
from teams.forms.org import MANDATE_FIELDS, MandateDecisionForm, MandateForm
from teams.models import MandateStatus, Team
from teams.permissions import NOT_A_DECIDER, can_decide_mandate, can_propose_mandate
from teams.selectors.org import mandate_for_decision, team_detail, team_overview_list

NOT_A_PROPOSER = gettext_lazy("Only CX editors of this team, and admins, can propose a mandate.")


def team_index(request: HttpRequest) -> HttpResponse:
    return render(request, "teams/index.html", {"teams": team_overview_list()})


def team_page(request: HttpRequest, pk: int) -> HttpResponse:
    detail = team_detail(team_id=pk)
    return render(
        request,
        "teams/team_detail.html",
        {
            "detail": detail,
            "team": detail.team,
            "can_propose": can_propose_mandate(request.user, detail.team),
            "can_decide": can_decide_mandate(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def mandate_create(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    if not can_propose_mandate(request.user, team):
        raise PermissionDenied(NOT_A_PROPOSER)
    form = MandateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_create(team=team, **{name: form.cleaned_data[name] for name in MANDATE_FIELDS})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Mandate proposed. Management can now approve or reject it."))
            return redirect("teams:team", pk=team.pk)
    return render(request, "teams/mandate_form.html", {"form": form, "team": team})


@require_http_methods(["GET", "POST"])
def mandate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the decision page (a note, and a confirmation before rejecting). POST: approve or reject."""
    if not can_decide_mandate(request.user):
        raise PermissionDenied(NOT_A_DECIDER)
    mandate = mandate_for_decision(mandate_id=pk)
    if request.method == "POST":
        form = MandateDecisionForm(request.POST)
        if form.is_valid():
            try:
                services.mandate_decide(
                    mandate=mandate, approve=form.approve, by=request.user, note=form.cleaned_data["note"].strip()
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                if form.approve:
                    messages.success(request, _("Mandate approved. The team can start."))
                else:
                    messages.success(request, _("Mandate rejected. The team sees your note."))
            return redirect("teams:team", pk=mandate.team_id)
    else:
        decision = request.GET.get("decision")
        form = MandateDecisionForm(initial={"decision": decision if decision in ("approve", "reject") else ""})
    if mandate.status != MandateStatus.PROPOSED:
        messages.error(
            request, _("This mandate was already %(status)s.") % {"status": MandateStatus(mandate.status).label.lower()}
        )
        return redirect("teams:team", pk=mandate.team_id)
    return render(
        request,
        "teams/mandate_decide.html",
        {"form": form, "mandate": mandate, "team": mandate.team, "decision": form["decision"].value()},
    )

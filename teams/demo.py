"""The demo organisation's departments, teams, mandates and improvement actions (bulk inserts, idempotent).

Dates are relative to the day of the first seeding, so a fresh demo always has overdue and upcoming work; a
second run leaves existing rows alone (a mandate per team and an action per journey and title are the keys).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from journeys.demo_dutch import demo_text, english_of
from journeys.models import Finding, Journey, JourneyGroup, JourneyState, Touchpoint

from .models import (
    ActionStatus,
    ActionTransition,
    Department,
    DepartmentMember,
    ImprovementAction,
    Mandate,
    MandateStatus,
    MemberRole,
    Membership,
    Priority,
    Team,
)

DEMO_DEPARTMENTS = [
    ("marketing", "Marketing"),
    ("sales", "Sales"),
    ("customer-service", "Customer Service"),
    ("claims", "Claims"),
    ("operations", "Operations"),
    ("finance", "Finance"),
    ("it", "IT"),
    ("customer-experience", "Customer Experience"),
]

# Every demo person's silo; the ownership matrix groups the touchpoint owners by it.
DEMO_DEPARTMENT_OF = {
    "editor": "customer-experience",
    "karin": "customer-experience",
    "manager": "operations",
    "youssef": "operations",
    "owner": "claims",
    "admin": "it",
    "bram": "it",
    "sanne": "sales",
    "daan": "customer-service",
    "lotte": "marketing",
    "noor": "marketing",
}

# slug, name, description, journey group owned, [(username, role, allocation %)]
DEMO_TEAMS = [
    (
        "team-becoming",
        "Team Becoming a customer",
        "Marketing, sales and IT together on orientation, application and onboarding.",
        "becoming-a-customer",
        [
            ("youssef", MemberRole.CHANGE_MANAGER, 50),
            ("sanne", MemberRole.PROCESS_OWNER, 20),
            ("editor", MemberRole.UX_MARKETING, 40),
            ("lotte", MemberRole.ANALYST, 20),
            ("bram", MemberRole.BI_IT, 30),
            ("karin", MemberRole.COACH, 10),
        ],
    ),
    (
        "team-being",
        "Team Being a customer",
        "Service, claims and operations on the everyday experience and on claims.",
        "being-a-customer",
        [
            ("editor", MemberRole.UX_MARKETING, 40),
            ("owner", MemberRole.PROCESS_OWNER, 30),
            ("daan", MemberRole.PROCESS_OWNER, 20),
            ("lotte", MemberRole.ANALYST, 30),
            ("bram", MemberRole.BI_IT, 20),
        ],
    ),
    (
        "team-staying",
        "Team Staying a customer",
        "Retention, complaints and renewal, coached by an external CX coach.",
        "staying-a-customer",
        [
            ("youssef", MemberRole.CHANGE_MANAGER, 30),
            ("daan", MemberRole.PROCESS_OWNER, 20),
            ("lotte", MemberRole.ANALYST, 20),
            ("sanne", MemberRole.PROCESS_OWNER, 10),
            ("noor", MemberRole.UX_MARKETING, 30),
            ("karin", MemberRole.COACH, 20),
        ],
    ),
]

# team slug: [(status, budget €, hours, time %, priority, starts (days from today), ends, decided (days), note)]
DEMO_MANDATES = {
    "team-becoming": [
        (MandateStatus.APPROVED, 60_000, 1200, None, Priority.MEDIUM, -400, -35, -410,
         "Start with the quick wins in the application form."),
        (MandateStatus.PROPOSED, 280_000, None, 25, Priority.HIGH, 7, 372, None, ""),
    ],
    "team-being": [
        (MandateStatus.APPROVED, 250_000, None, 20, Priority.HIGH, -120, 245, -125,
         "Claims first: status updates and the documents checklist."),
    ],
    "team-staying": [
        (MandateStatus.REJECTED, 400_000, None, 40, Priority.HIGH, -200, 165, -190,
         "Too broad. Come back with a business case for the loyalty discount."),
        (MandateStatus.APPROVED, 250_000, 1500, None, Priority.HIGH, -150, 215, -155, "Approved with the business case."),
    ],
}  # fmt: skip

PROPOSED, PLANNED, IN_PROGRESS, DONE, DROPPED = (
    ActionStatus.PROPOSED,
    ActionStatus.PLANNED,
    ActionStatus.IN_PROGRESS,
    ActionStatus.DONE,
    ActionStatus.DROPPED,
)
# journey: [(touchpoint, finding it answers (start of its text) or None, title, status, impact, effort,
#            due (days from today) or None, investment €, gains €, assignee)]
DEMO_ACTIONS = {
    "Open an account": [
        ("Product pages on the website", "Cover explained", "Rewrite the cover pages in plain language", DONE, 4, 2, -40, 8_000, 30_000, "sanne"),
        ("Premium calculator", "The calculator asks", "Show an indicative price after three questions", IN_PROGRESS, 5, 3, 10, 25_000, 90_000, "sanne"),
        ("Call the sales line", "Average waiting time", "Extra sales staff on Monday mornings", PLANNED, 3, 2, 20, 6_000, 12_000, "sanne"),
        ("Online application form", "38% drop out", "Ask about previous claims after the quote, not before", IN_PROGRESS, 5, 2, -5, 12_000, 120_000, "sanne"),
        ("Online application form", "Prefill known data", "Prefill the address from the address register", PLANNED, 4, 4, 45, 40_000, 80_000, "sanne"),
        ("Identity check", "Customers don't trust", "Identity check by bank login instead of a passport copy", PROPOSED, 4, 4, 90, 35_000, 50_000, "sanne"),
        ("Acceptance review", "Automated acceptance", "Automated acceptance for standard risks", IN_PROGRESS, 5, 5, 60, 90_000, 250_000, "owner"),
        ("Acceptance review", "Manual review takes", "Review the acceptance queue every morning", DONE, 3, 1, -60, 0, 8_000, "owner"),
        ("Policy documents", "Policy arrives", "One-page policy summary on top of the documents", PROPOSED, 3, 2, 30, 4_000, 10_000, "sanne"),
        ("Install the app and log in", "Activation code", "Activation code by text message instead of by letter", PLANNED, 4, 2, -10, 7_500, 25_000, "sanne"),
        ("First invoice", "First invoice includes", "Mention the one-off fee in the quote", DONE, 4, 1, -30, 1_000, 15_000, "sanne"),
        ("Welcome call for business customers", "Business customers", "A welcome call for every business customer", PLANNED, 3, 3, 35, 15_000, 40_000, "daan"),
        ("Chat with an adviser", None, "Open the adviser chat until 21:00", DROPPED, 2, 3, None, 18_000, 6_000, "daan"),
        ("Brochure by email", None, "Stop sending the brochure unasked", DROPPED, 1, 1, None, 0, 500, "sanne"),
        ("Additional questions by phone", None, "Ask the extra acceptance questions in the online form", PROPOSED, 3, 3, 75, 9_000, 14_000, "daan"),
    ],
    "Report a claim": [
        ("Emergency line", "Evening calls", "Give the evening partner read access to policies", IN_PROGRESS, 4, 3, -3, 20_000, 45_000, "daan"),
        ("Claim form in the app", "The app form times out", "Save claim drafts and keep the photos", DONE, 5, 2, -20, 15_000, 60_000, "owner"),
        ("Claim form in the app", "Save drafts", "Add photos to a claim after sending it", IN_PROGRESS, 4, 3, 14, 18_000, 35_000, "owner"),
        ("Claim by phone", "Customers tell their story", "One claim file that every agent can see", PLANNED, 5, 4, 50, 60_000, 140_000, "daan"),
        ("Appointment with the loss adjuster", "Appointments are only", "Saturday appointments with the loss adjuster", PROPOSED, 3, 3, 60, 22_000, 18_000, "owner"),
        ("Request for extra documents", "One in three claims", "A checklist of documents per claim type", IN_PROGRESS, 5, 2, -7, 10_000, 75_000, "owner"),
        ("Status update in the app", "Push notifications", "A push notification at every status change", PLANNED, 3, 2, 21, 8_000, 20_000, "owner"),
        ("Decision letter", "Rejections cite", "Explain a rejection in plain words, and call", DONE, 5, 2, -45, 5_000, 40_000, "owner"),
        ("Objection procedure", "Objections take", "Decide on objections within two weeks", PROPOSED, 4, 4, 100, 30_000, 25_000, "owner"),
        ("Payment", "Paying within 48 hours", "Pay approved claims within 48 hours", IN_PROGRESS, 5, 3, 5, 25_000, 90_000, "owner"),
        ("Satisfaction survey", "Call back every detractor", "Call back every detractor within two working days", DONE, 4, 2, -15, 12_000, 30_000, "daan"),
        ("Deductible invoice", None, "Show the deductible in the claim decision", PLANNED, 3, 1, -2, 2_000, 9_000, "owner"),
        ("Follow-up call by claims handler", None, "A follow-up call for large claims only", DROPPED, 2, 3, None, 14_000, 5_000, "daan"),
        ("What-to-do pages", None, "What-to-do pages per type of damage", PROPOSED, 3, 2, 40, 6_000, 8_000, "owner"),
    ],
    "Renew or cancel the contract": [
        ("Renewal letter", "Premium increase", "Explain the premium increase in the renewal letter", DONE, 5, 2, -25, 4_000, 60_000, "sanne"),
        ("Renewal letter", None, "Renewal letter by email only for digital customers", DROPPED, 2, 2, None, 3_000, 4_000, "sanne"),
        ("Policy check online", "Proactive policy check", "A proactive policy check for customers of 10+ years", PLANNED, 4, 3, 30, 20_000, 70_000, "sanne"),
        ("Loyalty offer", "New customers get", "The new-customer discount for loyal customers too", PROPOSED, 5, 4, 120, 150_000, 220_000, "sanne"),
        ("Call customer service", "Agents can't offer", "Let service agents offer a retention discount", IN_PROGRESS, 5, 3, -4, 30_000, 110_000, "daan"),
        ("Cancellation form", "The cancellation form", "Cancellation one click away from My policies", DONE, 3, 1, -35, 2_500, 5_000, "owner"),
        ("Retention call", "Give agents a mandate", "A retention mandate of up to 10% for agents", PLANNED, 5, 3, 25, 40_000, 150_000, "sanne"),
        ("Exit survey", "Price is the main", "A price check before a cancellation is final", PROPOSED, 4, 4, 80, 25_000, 60_000, "daan"),
        ("Chat", None, "Renew a policy in the chat", PLANNED, 3, 3, 40, 16_000, 22_000, "daan"),
        ("Cancellation confirmation", None, "Confirm a cancellation by email the same day", IN_PROGRESS, 3, 1, 7, 1_500, 4_000, "owner"),
        ("Win-back offer after 6 months", None, "No win-back mail to customers who left after a claim", PROPOSED, 2, 1, 50, 500, 2_000, "sanne"),
    ],
}  # fmt: skip

# The moves that lead to each status, in order (see teams.models.ALLOWED_TRANSITIONS).
PATH_TO = {
    PROPOSED: [],
    PLANNED: [(PROPOSED, PLANNED)],
    IN_PROGRESS: [(PROPOSED, PLANNED), (PLANNED, IN_PROGRESS)],
    DONE: [(PROPOSED, PLANNED), (PLANNED, IN_PROGRESS), (IN_PROGRESS, DONE)],
    DROPPED: [(PROPOSED, DROPPED)],
}
PROGRESS = {PROPOSED: 0, PLANNED: 0, IN_PROGRESS: 50, DONE: 100, DROPPED: 0}


def seed_departments() -> dict[str, Department]:
    Department.objects.bulk_create(
        [Department(slug=slug, name=demo_text(name)) for slug, name in DEMO_DEPARTMENTS], ignore_conflicts=True
    )
    return {d.slug: d for d in Department.objects.filter(slug__in=[slug for slug, _ in DEMO_DEPARTMENTS])}


def seed_department_members(*, people: dict, departments: dict[str, Department]) -> None:
    """Every demo person in their department; someone an admin has moved since keeps the new department."""
    DepartmentMember.objects.bulk_create(
        [
            DepartmentMember(user=people[username], department=departments[slug])
            for username, slug in DEMO_DEPARTMENT_OF.items()
            if username in people
        ],
        ignore_conflicts=True,
    )


def seed_teams(*, people: dict, groups: dict[str, JourneyGroup]) -> dict[str, Team]:
    Team.objects.bulk_create(
        [
            Team(slug=slug, name=demo_text(name), description=demo_text(description))
            for slug, name, description, _, _ in DEMO_TEAMS
        ],
        ignore_conflicts=True,
    )
    teams = {team.slug: team for team in Team.objects.filter(slug__in=[t[0] for t in DEMO_TEAMS])}
    Team.journey_groups.through.objects.bulk_create(
        [
            Team.journey_groups.through(team_id=teams[slug].id, journeygroup_id=groups[group_slug].id)
            for slug, _, _, group_slug, _ in DEMO_TEAMS
        ],
        ignore_conflicts=True,
    )
    Membership.objects.bulk_create(
        [
            Membership(team=teams[slug], user=people[username], role=role, allocation=allocation)
            for slug, _, _, _, members in DEMO_TEAMS
            for username, role, allocation in members
        ],
        ignore_conflicts=True,
    )
    return teams


def _day(today: datetime.date, offset: int | None) -> datetime.date | None:
    return None if offset is None else today + datetime.timedelta(days=offset)


def seed_mandates(*, people: dict, teams: dict[str, Team]) -> None:
    """The demo mandates of a team that has none yet: one running, one awaiting the manager, an expired and a
    rejected one."""
    now = timezone.now()
    today = timezone.localdate()
    with_mandates = set(Mandate.objects.filter(team__in=teams.values()).values_list("team_id", flat=True))
    manager = people["manager"]
    Mandate.objects.bulk_create(
        [
            Mandate(
                team=teams[slug],
                sponsor=manager,
                budget=Decimal(budget),
                hours=hours,
                time_percent=percent,
                priority=priority,
                starts_on=_day(today, starts),
                ends_on=_day(today, ends),
                status=status,
                decided_by=manager if decided is not None else None,
                decided_at=now + datetime.timedelta(days=decided) if decided is not None else None,
                decision_note=demo_text(note),
            )
            for slug, rows in DEMO_MANDATES.items()
            if teams[slug].pk not in with_mandates
            for status, budget, hours, percent, priority, starts, ends, decided, note in rows
        ]
    )


def _sprint(due: datetime.date | None) -> str:
    """Two-week sprints named after the year and their number."""
    if due is None:
        return ""
    year, week, _weekday = due.isocalendar()
    return f"{year}-S{(week + 1) // 2:02d}"


def seed_actions(*, people: dict, teams: dict[str, Team]) -> None:
    """The demo improvement actions that do not exist yet (by journey and title), with the status moves that led
    to their status; the moves are dated back from today so the history reads in order."""
    now = timezone.now()
    today = timezone.localdate()
    # By their English names (journeys.demo_dutch): the Dutch demo looks them up by the same keys.
    names = [demo_text(name) for name in DEMO_ACTIONS]
    journeys = {
        english_of(j.name): j
        for j in Journey.objects.filter(state=JourneyState.CURRENT, name__in=names).select_related("group")
    }
    team_of_group = {group_slug: teams[slug] for slug, _, _, group_slug, _ in DEMO_TEAMS}
    touchpoints = {
        (tp.journey_id, english_of(tp.name)): tp
        for tp in Touchpoint.objects.filter(journey__in=journeys.values()).order_by("id")
    }
    findings = list(Finding.objects.filter(journey__in=journeys.values()).only("id", "touchpoint_id", "text"))
    existing = set(ImprovementAction.objects.filter(journey__in=journeys.values()).values_list("journey_id", "title"))
    creator = {"team-becoming": people["youssef"], "team-being": people["editor"], "team-staying": people["youssef"]}

    actions, histories = [], []
    for journey_name, rows in DEMO_ACTIONS.items():
        journey = journeys.get(journey_name)
        if journey is None:
            continue
        team = team_of_group[journey.group.slug]
        for tp_name, finding_text, title, status, impact, effort, due, investment, gains, assignee in rows:
            title = demo_text(title)
            if (journey.pk, title) in existing:
                continue
            touchpoint = touchpoints[(journey.pk, tp_name)]
            finding = next(
                (f for f in findings if finding_text and f.touchpoint_id == touchpoint.pk and english_of(f.text).startswith(finding_text)),
                None,
            )  # fmt: skip
            if finding_text and finding is None:
                raise LookupError(f"No finding “{finding_text}…” on “{tp_name}” of “{journey_name}”.")
            due_date = _day(today, due)
            actions.append(
                ImprovementAction(
                    title=title,
                    journey=journey,
                    stage_id=touchpoint.stage_id,
                    touchpoint=touchpoint,
                    finding=finding,
                    team=team,
                    assignee=people[assignee],
                    status=status,
                    impact=impact,
                    effort=effort,
                    progress=PROGRESS[status],
                    due_date=due_date,
                    sprint=_sprint(due_date) if status in (PLANNED, IN_PROGRESS, DONE) else "",
                    expected_investment=Decimal(investment),
                    expected_gains=Decimal(gains),
                    created_by=creator[team.slug],
                )
            )
            histories.append((creator[team.slug], people[assignee], PATH_TO[status]))
    ImprovementAction.objects.bulk_create(actions)

    transitions = []
    for n, (action, (planner, assignee, path)) in enumerate(zip(actions, histories, strict=True)):
        for step, (from_status, to_status) in enumerate(path):
            by = assignee if to_status in (IN_PROGRESS, DONE) else planner
            transition = ActionTransition(action=action, from_status=from_status, to_status=to_status, by=by)
            # Ten days between moves, the last one a few days ago (`at` is set on insert, so dated afterwards).
            transition.demo_at = now - datetime.timedelta(days=10 * (len(path) - step) - 7, hours=n)
            transitions.append(transition)
    ActionTransition.objects.bulk_create(transitions)
    for transition in transitions:
        transition.at = transition.demo_at
    ActionTransition.objects.bulk_update(transitions, ["at"], batch_size=500)


def seed_work(*, people: dict, teams: dict[str, Team]) -> None:
    """After the journeys exist: departments of the people, mandates and improvement actions."""
    seed_department_members(people=people, departments=seed_departments())
    seed_mandates(people=people, teams=teams)
    seed_actions(people=people, teams=teams)

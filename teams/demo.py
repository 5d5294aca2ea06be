"""The demo organisation's departments and multidisciplinary teams."""

from journeys.models import JourneyGroup

from .models import Department, MemberRole, Membership, Team

DEMO_DEPARTMENTS = [
    ("marketing", "Marketing"),
    ("sales", "Sales"),
    ("customer-service", "Customer Service"),
    ("claims", "Claims"),
    ("operations", "Operations"),
    ("finance", "Finance"),
    ("it", "IT"),
]

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
        ],
    ),
]


def seed_departments() -> dict[str, Department]:
    Department.objects.bulk_create(
        [Department(slug=slug, name=name) for slug, name in DEMO_DEPARTMENTS], ignore_conflicts=True
    )
    return {d.slug: d for d in Department.objects.filter(slug__in=[slug for slug, _ in DEMO_DEPARTMENTS])}


def seed_teams(*, people: dict, groups: dict[str, JourneyGroup]) -> dict[str, Team]:
    Team.objects.bulk_create(
        [Team(slug=slug, name=name, description=description) for slug, name, description, _, _ in DEMO_TEAMS],
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

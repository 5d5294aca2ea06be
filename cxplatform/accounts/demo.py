"""The demo organisation's people. Passwords are made up once, printed once, and never stored in clear."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from .models import Role, User


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: str
    job_title: str
    can_log_in: bool = True


DEMO_PEOPLE = [
    DemoPerson("editor", "Emma", "de Vries", Role.CX_EDITOR, "CX designer"),
    DemoPerson("manager", "Martin", "Jansen", Role.MANAGER, "Director of customer operations"),
    DemoPerson("owner", "Priya", "Ramdin", Role.PROCESS_OWNER, "Process owner, claims handling"),
    DemoPerson("admin", "Anne", "Bakker", Role.ADMIN, "Application administrator"),
    # Colleagues who appear in teams and own touchpoints; an admin can give them a password.
    DemoPerson("sanne", "Sanne", "Visser", Role.PROCESS_OWNER, "Process owner, sales", can_log_in=False),
    DemoPerson("daan", "Daan", "Smit", Role.PROCESS_OWNER, "Process owner, customer service", can_log_in=False),
    DemoPerson("lotte", "Lotte", "Mulder", Role.CX_EDITOR, "Data analyst", can_log_in=False),
    DemoPerson("youssef", "Youssef", "El Amrani", Role.CX_EDITOR, "Change manager", can_log_in=False),
    DemoPerson("bram", "Bram", "Hendriks", Role.CX_EDITOR, "BI developer", can_log_in=False),
    DemoPerson("noor", "Noor", "Haddad", Role.CX_EDITOR, "UX writer", can_log_in=False),
    DemoPerson("karin", "Karin", "Bos", Role.CX_EDITOR, "CX coach", can_log_in=False),
]
DEMO_EMAIL_DOMAIN = "demo.cxplatform.example"


def new_password() -> str:
    return secrets.token_urlsafe(9)


def seed_people(*, reset_passwords: bool = False) -> tuple[dict[str, User], dict[str, str]]:
    """Create the demo people that are missing. Returns all of them, and the passwords set in this run."""
    existing = {user.username: user for user in User.objects.filter(username__in=[p.username for p in DEMO_PEOPLE])}
    passwords: dict[str, str] = {}
    missing = []
    for person in DEMO_PEOPLE:
        if person.username in existing:
            continue
        user = User(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=f"{person.username}@{DEMO_EMAIL_DOMAIN}",
            role=person.role,
            job_title=person.job_title,
            is_staff=person.role == Role.ADMIN,
            is_superuser=person.role == Role.ADMIN,
        )
        if person.can_log_in:
            passwords[person.username] = new_password()
            user.set_password(passwords[person.username])
        else:
            user.set_unusable_password()
        missing.append(user)
    User.objects.bulk_create(missing)
    if reset_passwords:
        for person in DEMO_PEOPLE:
            if person.can_log_in and person.username in existing:
                user = existing[person.username]
                passwords[person.username] = new_password()
                user.set_password(passwords[person.username])
                user.save(update_fields=["password"])
    people = {user.username: user for user in User.objects.filter(username__in=[p.username for p in DEMO_PEOPLE])}
    return people, passwords

"""manage.py seed_demo: load the demo organisation. Idempotent: a second run changes nothing.

The demo is written in the installation's language, settings.LANGUAGE_CODE: with "nl" its journeys, stages,
touchpoints, personas, findings, teams, actions and KPIs are Dutch (journeys.demo_dutch). Seed a fresh database in
the language wanted: seeding again in the other language would add the journeys, personas and KPIs a second time
under their other names (without survey responses), and keep the teams as first named."""

from django.core.management.base import BaseCommand
from django.db import transaction

from cxplatform.accounts.demo import DEMO_PEOPLE, seed_people
from cxplatform.audit import actions as audit_actions
from cxplatform.audit.recording import record
from journeys.demo import seed_history_baselines, seed_journey_groups, seed_journeys
from metrics.demo import seed_metrics
from teams.demo import seed_departments, seed_teams, seed_work


class Command(BaseCommand):
    help = (
        "Load the demo organisation: journey groups, people for every role, departments, teams, journeys, "
        "mandates, improvement actions, a year of survey responses, custom KPIs, business cases and follow-up cases, "
        "in the language of LANGUAGE_CODE (en or nl)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo users who can log in new passwords, and print them.",
        )

    def handle(self, *args, reset_passwords: bool = False, **options):
        with transaction.atomic():
            people, passwords = seed_people(reset_passwords=reset_passwords)
            groups = seed_journey_groups()
            seed_departments()
            teams = seed_teams(people=people, groups=groups)
            seed_journeys(people=people, groups=groups)
            seed_work(people=people, teams=teams)
            seed_metrics(people=people)
            seed_history_baselines()
            # Most of it is written in bulk, past the audit signals: one row says the demo was loaded.
            record(audit_actions.SEED, detail={"people": len(people), "journey_groups": len(groups)})
        self.stdout.write(self.style.SUCCESS("Demo organisation loaded."))
        self._print_logins(people, passwords)

    def _print_logins(self, people, passwords) -> None:
        rows = [p for p in DEMO_PEOPLE if p.can_log_in]
        if passwords:
            self.stdout.write("Demo users (these passwords are shown only now):")
        else:
            self.stdout.write(
                "Demo users already exist; their passwords are unchanged "
                "(run 'manage.py seed_demo --reset-passwords' for new ones):"
            )
        for person in rows:
            user = people[person.username]
            password = passwords.get(person.username, "(unchanged)")
            self.stdout.write(f"  {user.get_role_display():<14} {person.username:<10} {password}")

"""manage.py recompute_kpis [--all]: bring the KPI snapshots up to date now, in this process."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from metrics.services.recompute import snapshots_rebuild_all, snapshots_recompute_pending


class Command(BaseCommand):
    help = _(
        "Recompute the KPI snapshots that ingests marked out of date; with --all, rebuild every snapshot from "
        "every response (what the nightly task does)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", dest="rebuild_all", action="store_true", help=_("Rebuild every snapshot from every response.")
        )

    def handle(self, *args, rebuild_all: bool = False, **options):
        if rebuild_all:
            stats = snapshots_rebuild_all()
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Rebuilt the KPI snapshots: %(days)s day cells and %(weeks_and_months)s week and month cells, "
                        "%(written)s written, %(deleted)s deleted."
                    )
                    % stats
                )
            )
            return
        consumed = snapshots_recompute_pending()
        self.stdout.write(self.style.SUCCESS(_("Recomputed %(count)s pending requests.") % {"count": consumed}))

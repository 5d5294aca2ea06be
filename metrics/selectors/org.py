from django.contrib.auth import get_user_model
from django.db.models import Count

from journeys.models import JourneyGroup
from teams.models import Department, Team


def organisation_summary() -> dict[str, int]:
    """The figures on the dashboard's header cards, counted in the database."""
    return {
        "journey_groups": JourneyGroup.objects.count(),
        "teams": Team.objects.count(),
        "departments": Department.objects.count(),
        "people": get_user_model().objects.filter(is_active=True).aggregate(n=Count("id"))["n"],
    }

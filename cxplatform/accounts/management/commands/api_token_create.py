"""`manage.py api_token_create <username>`: an API token for a user, from the command line (monitoring, a
deployment's first integration). Prints the key, once. Replaces DRF's `drf_create_token`."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cxplatform.accounts.models import TokenAccess, User
from cxplatform.accounts.services import api_token_create, api_token_latest_expiry
from cxplatform.audit.context import acting
from cxplatform.audit.models import Via


class Command(BaseCommand):
    help = "Create an API token for a user and print its key (shown only this once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="Command-line token", help="What the token is for (unique per user).")
        parser.add_argument("--read-only", action="store_true", help="A token that may read but not write.")
        parser.add_argument(
            "--days",
            type=int,
            help="Days until it expires (default: the longest API_TOKEN_MAX_DAYS allows; never when that is 0).",
        )

    def handle(self, *args, username: str, name: str, read_only: bool, days: int | None, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        expires_at = timezone.localdate() + datetime.timedelta(days=days) if days else api_token_latest_expiry()
        access = TokenAccess.READ_ONLY if read_only else TokenAccess.READ_WRITE
        try:
            with acting(label="manage.py api_token_create", via=Via.COMMAND):
                _token, key = api_token_create(user=user, name=name, access=access, expires_at=expires_at)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(key)

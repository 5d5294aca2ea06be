from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import User


@transaction.atomic
def token_create(*, user: User) -> Token:
    """A new personal API token; an existing one is revoked, so only the newest key works."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def token_revoke(*, user: User) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted > 0

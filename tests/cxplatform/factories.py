import datetime
import itertools

import factory

from cxplatform.accounts.models import ApiToken, Role, TokenAccess, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.CX_EDITOR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


_token_numbers = itertools.count(1)


def api_key_for(
    user: User,
    *,
    access: str = TokenAccess.READ_WRITE,
    name: str | None = None,
    expires_at: datetime.date | None = None,
    **fields,
) -> str:
    """A working key of a new API token of `user` (stored as the product stores it: hashed). Made directly, not by
    the service: tests may want a token that expired long ago, or one without an audit row."""
    key = ApiToken.new_key()
    ApiToken.objects.create(
        user=user,
        name=name or f"Test token {next(_token_numbers)}",
        key_hash=ApiToken.hash_key(key),
        prefix=key[: ApiToken.PREFIX_LENGTH],
        access=access,
        expires_at=expires_at,
        **fields,
    )
    return key

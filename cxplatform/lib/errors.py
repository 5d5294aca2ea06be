"""Refusals a service raises that the client can act on, for every app.

`StaleVersion` (cxplatform.lib.versioning) is the one every app meets; `Conflict` is the base of the others: a
write refused because of what is stored now, not because of what was sent. The API answers one with 409 and
`{"detail": message, "code": code, **details()}` (cxplatform.api.errors), so an app adds a refusal by
subclassing it, without the project's API knowing the app.
"""

from django.utils.functional import Promise


class Conflict(Exception):
    """A write refused by the stored state; `code` names the kind for clients, `details()` adds to the body."""

    code = "conflict"

    def __init__(self, message: str | Promise):
        self.message = message
        super().__init__(message)

    def details(self) -> dict:
        """What the 409 body carries besides detail and code."""
        return {}

"""The errors journeys' services raise besides StaleVersion (which is shared by every app: cxplatform.lib.versioning)."""

from django.db import models

from cxplatform.lib.errors import Conflict


class HasDependents(Conflict):
    """A hard delete refused: survey responses, improvement actions or follow-up cases depend on the object.

    `message` names them ("Report a claim has 12,304 survey responses and 3 improvement actions: archive it
    instead"); `dependents` lists the phrases; `current` is the object, to offer its archiving. The API answers
    409 with code "has_dependents" and the phrases under "dependents".
    """

    code = "has_dependents"

    def __init__(self, current: models.Model, dependents: list[str], message: str):
        self.current = current
        self.dependents = dependents
        super().__init__(message)

    def details(self) -> dict:
        return {"dependents": self.dependents}


__all__ = ["HasDependents"]

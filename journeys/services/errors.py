"""The errors journeys' services raise; StaleVersion is shared by every app (cxplatform.lib.versioning)."""

from cxplatform.lib.versioning import StaleVersion

__all__ = ["StaleVersion"]

"""Partial updates: "not given" kept apart from None.

An `<entity>_update(*, ..., name: str | Unset = UNSET, owner: User | None | Unset = UNSET)` service changes only
the fields it is given: the API's PATCH sends some fields, and None is a value (no owner), so a missing field
cannot default to None. `given()` collects the fields that were given; an unknown field is a TypeError from
Python itself, as for any keyword argument.
"""

import enum
from typing import Any, Final, Literal


class _Unset(enum.Enum):
    """A one-member enum, so that a type checker narrows `value is UNSET` / `value is not UNSET`."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset.UNSET
Unset = Literal[_Unset.UNSET]


def given(**values: Any) -> dict[str, Any]:
    """The keyword arguments that were given (not left UNSET), in their order."""
    return {name: value for name, value in values.items() if value is not UNSET}

"""What every app's viewsets share (journeys, teams and metrics derive from ServiceViewSetMixin)."""

from typing import Literal, overload

from django.db import models
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError


class ServiceViewSetMixin:
    """A viewset whose writes go through services and whose reads go through selectors (its get_queryset).

    A written object is read back through the selector (`fresh`), so the answer has the same shape as a GET; a
    stale edit's 409 shows the object as it is now (`render_current`, which cxplatform.api.errors asks for);
    a DELETE names the version it is based on (`delete_version`).
    """

    def fresh(self, obj: models.Model) -> models.Model:
        """Read a written object back through the selector, so the answer has the same shape as a GET."""
        return self.get_queryset().get(pk=obj.pk)

    def render_current(self, current: models.Model | None):
        """The `current` of a stale edit's 409: the object as a GET would give it now (None when deleted)."""
        fresh = self.get_queryset().filter(pk=current.pk).first() if current is not None else None
        return self.get_serializer(fresh).data if fresh is not None else None

    @overload
    def delete_version(self, *, required: Literal[True]) -> int: ...

    @overload
    def delete_version(self, *, required: bool = False) -> int | None: ...

    def delete_version(self, *, required: bool = False) -> int | None:
        """The version a DELETE is based on: `?version=N` or `version` in the body; None when not sent (a 400
        when `required`)."""
        raw = self.request.query_params.get("version")
        if raw is None and isinstance(self.request.data, dict):
            raw = self.request.data.get("version")
        if raw in (None, ""):
            if required:
                raise ValidationError({"version": [_("Send the version your change is based on.")]})
            return None
        try:
            return serializers.IntegerField(min_value=1).run_validation(raw)
        except ValidationError as exc:
            raise ValidationError({"version": exc.detail}) from exc

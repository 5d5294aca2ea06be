"""The API's filter backends."""

from __future__ import annotations

from rest_framework import filters
from rest_framework.exceptions import ValidationError


class SearchFilter(filters.SearchFilter):
    """DRF's, whose refusal (a NUL character in ?search=) names the parameter, as every other 400 names its field,
    instead of answering a bare list of messages."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as error:
            raise ValidationError({self.search_param: error.detail}) from error

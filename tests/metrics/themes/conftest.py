"""Fixtures of the theme tests (issue 17); the codebook's are in codebook_support."""

from tests.metrics.themes.codebook_support import matching, retags

__all__ = ["matching", "retags"]

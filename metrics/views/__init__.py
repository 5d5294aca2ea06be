"""HTML pages of the metrics app, a module per topic."""

from .dashboard import dashboard

__all__ = ["dashboard"]

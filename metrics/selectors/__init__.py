"""Reads of the metrics app, a module per topic (org, kpis, followups, ...)."""

from .org import organisation_summary

__all__ = ["organisation_summary"]

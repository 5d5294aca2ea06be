"""Writes of the metrics app, a module per topic (responses, recompute, followups, kpis, business cases)."""

"""Forms and filters of the metrics pages, a module per topic."""

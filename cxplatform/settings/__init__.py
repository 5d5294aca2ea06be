"""Settings: `base` is the one environment-driven module; `test` holds the test overrides."""

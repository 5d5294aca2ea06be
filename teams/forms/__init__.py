"""Forms of the teams pages: `actions` (improvement actions and their filters), `org` (mandates)."""

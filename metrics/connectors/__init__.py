"""Survey connectors: answers that arrive by themselves from survey tools (Typeform, Formbricks, Qualtrics, ...),
mapped onto the journey and ingested exactly as the API ingests them."""

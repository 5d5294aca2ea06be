"""The static files storage: hashed, compressed names once `collectstatic` has run, plain names before.

`make run` and the Docker image collect the static files: WhiteNoise then serves each under a name with its
content's hash (`plotly.3f2a….min.js`), gzipped, with `Cache-Control: max-age=315360000, public, immutable`, so a
browser fetches Plotly once and never asks again. Django's manifest storage refuses (ValueError) a name missing
from the manifest; here such a name (nothing collected yet: `make dev`, a stack started from a fresh checkout, or
a file added since the last `collectstatic`) falls back to its plain name, which WhiteNoise serves from the source
folders (WHITENOISE_USE_FINDERS), uncompressed and briefly cached. So development and production run the same
settings, and differ only by whether the files were collected. With DEBUG on, Django uses the plain names anyway.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not in the manifest: not collected (yet)
            return name

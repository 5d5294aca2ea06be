"""The API's JSON parser: DRF's, refusing text that can never be stored."""

from __future__ import annotations

import io
import json
import re

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# A UTF-16 surrogate written as a JSON escape (\ud800 to \udfff): json.loads accepts one alone, but a lone
# surrogate is no character, and Postgres (UTF-8) cannot hold it. Raw UTF-8 bytes cannot encode one.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        data = super().parse(io.BytesIO(raw), media_type, parser_context)
        # Surrogate pairs (an emoji written as two escapes) are fine; only an unpaired one is refused. The
        # check runs only when the body has such an escape at all.
        if SURROGATE_ESCAPE.search(raw):
            try:
                json.dumps(data, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                raise ParseError(
                    _(
                        "JSON parse error - the body holds a lone surrogate escape (\\ud800 to \\udfff), which is no character."
                    )
                ) from None
        return data

"""The API's JSON renderer: DRF's output, encoded by orjson.

DRF's renderer runs the standard library's encoder over every value of a page, a few
milliseconds for a page of 100 reports; orjson does it in a tenth of that (issue 14). The
content is DRF's: datetimes, decimals and lazy translations go through DRF's own encoder, and
the two line separators JavaScript reads as line ends are escaped as DRF escapes them. Kept
apart from ``api.py`` because DRF imports it while it is itself being imported.
"""

import orjson
from rest_framework import renderers

OPTIONS = (
    orjson.OPT_NON_STR_KEYS  # {1: ...} as {"1": ...}, like json.dumps
    # Left to DRF's encoder, whose formats differ from orjson's (milliseconds, "Z").
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
LINE_SEPARATOR, PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if data is None or indent is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            content = orjson.dumps(data, default=self.encoder_class().default, option=OPTIONS)
        except orjson.JSONEncodeError:
            # What orjson does not take (an integer beyond 64 bits) DRF's encoder still does.
            return super().render(data, accepted_media_type, renderer_context)
        return content.replace(LINE_SEPARATOR, b"\\u2028").replace(PARAGRAPH_SEPARATOR, b"\\u2029")

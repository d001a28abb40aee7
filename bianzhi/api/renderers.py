"""DRF's JSON renderer written by orjson (bianzhi.payload): the same compact UTF-8 text, for large answers."""

from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from bianzhi.payload import dumps


class OrjsonRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)  # nothing, or indented on request
        # as JSONRenderer: U+2028/U+2029 escaped, so the text is also valid JavaScript
        return dumps(data, encoder=JSONEncoder).replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")

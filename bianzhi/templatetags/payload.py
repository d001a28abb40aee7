"""`{{ value|json_payload:"element-id" }}`: json_script written by orjson (bianzhi.payload), for large data."""

from django import template

from bianzhi.payload import json_script

register = template.Library()


@register.filter
def json_payload(value, element_id: str):
    return json_script(value, element_id)

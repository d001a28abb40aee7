"""Date and time widgets that a browser can read back.

With LANGUAGE_CODE = "zh-hans" Django renders a date as ``2026/12/04`` (the locale's first input format); an
``<input type="date">`` accepts only ``YYYY-MM-DD``, shows an empty field, and the next save writes null.
Every form uses these widgets, never Django's plain DateInput/DateTimeInput with a ``type`` attribute.
"""

from django import forms

DATE_FORMAT = "%Y-%m-%d"  # the HTML date input's value format (RFC 3339 full-date)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # datetime-local's value format, to the minute


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or DATE_FORMAT)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or DATETIME_FORMAT)


class DateField(forms.DateField):
    widget = DateInput


class DateTimeField(forms.DateTimeField):
    widget = DateTimeInput  # parsing: Django reads ISO 8601 (the ``T`` of datetime-local) before the locale's formats


class KeepUnchangedTimesMixin:
    """A datetime-local field shows minutes; a stored time has seconds. Posting back what the page showed
    must not move the stored time: a value equal to the initial one at the minute keeps the initial one."""

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            initial, value = self.initial.get(name), data.get(name)
            if isinstance(field, forms.DateTimeField) and initial is not None and value is not None \
                    and value == initial.replace(second=0, microsecond=0):
                data[name] = initial
        return data


def newlines_normalised(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


class RoundTripMixin(KeepUnchangedTimesMixin):
    """Every form of the project: saving a page unchanged changes nothing.

    A browser submits a textarea's line breaks as CRLF (the HTML form-submission rule) while stored text
    has LF: without this, each save of an unchanged page rewrote every multi-line text and logged it."""

    def clean(self):
        data = super().clean()
        for name, value in data.items():
            if isinstance(value, str) and "\r" in value:
                data[name] = newlines_normalised(value)
        return data

"""The POST forms of an HTML page, and what a browser would send for each if the user changed nothing.

Standard library only (html.parser). Follows the HTML rules that matter for a round trip: disabled fields
and those in a disabled fieldset are not sent; unchecked boxes are not sent; a select with nothing selected
sends its first option; a textarea drops one leading newline; fields can join a form by `form="id"`; only the
submit button pressed is sent; a file input sends no file.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

NOT_SENT = {"submit", "button", "reset", "image", "file"}

# The HTML value sanitization algorithm: a browser empties a value its input type cannot read
# (https://html.spec.whatwg.org/multipage/input.html#value-sanitization-algorithm). A date rendered as
# 2026/12/04 is shown empty and sent empty; that is what a round trip must see.
VALID = {
    "date": re.compile(r"\d{4,}-\d{2}-\d{2}"),
    "datetime-local": re.compile(r"\d{4,}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "time": re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "month": re.compile(r"\d{4,}-\d{2}"),
    "week": re.compile(r"\d{4,}-W\d{2}"),
    "number": re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?"),
    "color": re.compile(r"#[0-9a-fA-F]{6}"),
}
STRIP_NEWLINES = {"text", "search", "tel", "password", "email", "url", "hidden"}


def sanitize(kind: str, value: str) -> str:
    if kind in VALID:
        return value if VALID[kind].fullmatch(value) else ("#000000" if kind == "color" else "")
    if kind in STRIP_NEWLINES and kind != "hidden":
        value = value.replace("\r", "").replace("\n", "")
        return value.strip() if kind in ("email", "url") else value
    return value


@dataclass
class Field:
    tag: str
    type: str
    name: str
    value: str = ""
    checked: bool = False
    disabled: bool = False
    options: list = field(default_factory=list)  # select: [(value, selected)]
    multiple: bool = False
    form_id: str | None = None
    attrs: dict = field(default_factory=dict)


@dataclass
class HtmlForm:
    action: str
    method: str
    id: str | None
    enctype: str
    fields: list[Field] = field(default_factory=list)
    buttons: list[Field] = field(default_factory=list)
    index: int = 0  # its place among all the page's forms (document.forms[index])
    draft: bool = False  # keeps a local draft (data-draft-key)
    creates: bool = False  # says it makes something new (data-creates): not an edit form, whatever it shows

    @property
    def input_types(self) -> set[str]:
        return {f.type for f in self.fields}

    def default_button(self) -> Field | None:
        """The button a user presses to save: one named action=save if there is one, else the first."""
        submits = [b for b in self.buttons if b.type == "submit" and not b.disabled]
        return next((b for b in submits if b.name == "action" and b.value == "save"), submits[0] if submits else None)

    def shown_values(self) -> list[Field]:
        """Fields that show a value the user could change (what makes the form an edit form)."""
        shown = []
        for f in self.fields:
            if f.disabled or f.type in NOT_SENT | {"hidden"}:
                continue
            if f.tag == "select":
                if any(selected for _v, selected in f.options):
                    shown.append(f)
            elif f.type in ("checkbox", "radio"):
                if f.checked:
                    shown.append(f)
            elif f.value:
                shown.append(f)
        return shown

    def data(self, button: Field | None = None) -> dict[str, list[str]]:
        """What the browser sends when `button` is pressed and nothing was changed."""
        sent: dict[str, list[str]] = {}
        for f in self.fields:
            if f.disabled or not f.name or f.type in NOT_SENT:
                continue
            if f.tag == "select":
                chosen = [v for v, selected in f.options if selected]
                if not chosen and not f.multiple and f.options:
                    chosen = [f.options[0][0]]
                for v in chosen:
                    sent.setdefault(f.name, []).append(v)
            elif f.type in ("checkbox", "radio"):
                if f.checked:
                    sent.setdefault(f.name, []).append(f.value or "on")
            else:
                sent.setdefault(f.name, []).append(f.value)
        if button is not None and button.name:
            sent.setdefault(button.name, []).append(button.value)
        return sent


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self.loose: list[Field] = []  # fields outside any form (joined by form="id")
        self.current: HtmlForm | None = None
        self.disabled_fieldsets = 0
        self.fieldset_stack: list[bool] = []
        self.select: Field | None = None
        self.option: list | None = None
        self.textarea: Field | None = None

    def _add(self, f: Field):
        if f.form_id:
            self.loose.append(f)
        elif self.current is not None:
            (self.current.buttons if f.tag == "button" or f.type in ("submit", "image") else self.current.fields).append(f)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        disabled = "disabled" in a or self.disabled_fieldsets > 0
        if tag == "form":
            self.current = HtmlForm(action=a.get("action", ""), method=a.get("method", "get").lower(), id=a.get("id"),
                                    enctype=a.get("enctype", ""), index=len(self.forms), draft="data-draft-key" in a,
                                    creates="data-creates" in a)
            self.forms.append(self.current)
        elif tag == "fieldset":
            self.fieldset_stack.append("disabled" in a)
            self.disabled_fieldsets += "disabled" in a
        elif tag == "input":
            kind = a.get("type", "text").lower()
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            self._add(Field("input", kind, a.get("name", ""), sanitize(kind, value),
                            checked="checked" in a, disabled=disabled, form_id=a.get("form"), attrs=a))
        elif tag == "button":
            self._add(Field("button", a.get("type", "submit").lower(), a.get("name", ""), a.get("value", ""),
                            disabled=disabled, form_id=a.get("form"), attrs=a))
        elif tag == "select":
            self.select = Field("select", "select", a.get("name", ""), disabled=disabled, multiple="multiple" in a,
                                form_id=a.get("form"), attrs=a)
            self._add(self.select)
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea":
            self.textarea = Field("textarea", "textarea", a.get("name", ""), disabled=disabled, form_id=a.get("form"),
                                  attrs=a)
            self._add(self.textarea)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "fieldset" and self.fieldset_stack:
            self.disabled_fieldsets -= self.fieldset_stack.pop()
        elif tag == "option" and self.option is not None:
            value, selected, text = self.option
            self.select.options.append((text.strip() if value is None else value, selected))
            self.option = None
        elif tag == "select":
            if self.option is not None:
                self.handle_endtag("option")
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            if self.textarea.value.startswith("\r\n"):
                self.textarea.value = self.textarea.value[2:]
            elif self.textarea.value.startswith("\n"):
                self.textarea.value = self.textarea.value[1:]
            self.textarea = None


def post_forms(html: str) -> list[HtmlForm]:
    """Every form of the page that posts, with the fields that belong to it (also by form="id")."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    by_id = {f.id: f for f in parser.forms if f.id}
    for loose in parser.loose:
        form = by_id.get(loose.form_id)
        if form is not None:
            (form.buttons if loose.tag == "button" or loose.type in ("submit", "image") else form.fields).append(loose)
    return [f for f in parser.forms if f.method == "post"]

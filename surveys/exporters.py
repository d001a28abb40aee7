"""Writing a form's answers as rows: stable columns with Chinese headers (labels, never codes), multiple
choice one column per option, a matrix one per row; the codes are listed in a codebook sheet only. Plain functions over plain values (no ORM), so the column layout is easy to test and to reuse."""

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bianzhi import spreadsheets

from .definition import TYPE_LABELS
from .rules import plain, split_multiple


@dataclass(frozen=True)
class QuestionColumns:
    code: str
    text: str
    type: str
    choices: tuple[tuple[str, str], ...]
    number: int = 0
    rows: tuple[tuple[str, str], ...] = ()  # a matrix's (row code, row label)
    other: bool = False  # has an "other, please specify" option: its text gets a column

    @property
    def title(self) -> str:
        short = self.text if len(self.text) <= 30 else self.text[:29] + "…"
        return f"{self.number}. {short}" if self.number else short

    def columns(self) -> list[tuple[str, str]]:
        """(Chinese header, what its codes are) for each column: headers name questions, options and rows by
        their wording; the codes go to the codebook sheet only."""
        labels = _("；").join(f"{v}={label}" for v, label in self.choices)
        if self.type == "multiple_choice":
            out = [(f"{self.title}{_('：')}{label}", _("%(code)s 选择了 %(value)s（1 = 选择，0 = 未选）") % {"code": self.code, "value": v})
                   for v, label in self.choices]
        elif self.type == "matrix":
            out = [(f"{self.title}{_('：')}{label}", f"{self.code}.{r}{_('；')}{labels}") for r, label in self.rows]
        else:
            out = [(self.title, f"{self.code}" + (f"{_('；')}{labels}" if labels else ""))]
        if self.other:
            out.append((_("%(title)s（注明）") % {"title": self.title}, _("%(code)s 的“其他，请注明”文字") % {"code": self.code}))
        return out

    def headers(self) -> list[str]:
        return [header for header, _codes in self.columns()]

    def cells(self, answer, other: str = "") -> list:
        """`answer` is a str (choice or text), a list (multiple choice), a dict (matrix), a Decimal or None.
        Choices are written as their labels."""
        labels = dict(self.choices)
        if self.type == "single_choice":
            out = [labels.get(answer, answer) if answer else ""]
        elif self.type == "multiple_choice":
            out = split_multiple(answer or [], [value for value, _label in self.choices])
        elif self.type == "matrix":
            out = [labels.get((answer or {}).get(r), "") for r, _label in self.rows]
        elif self.type in ("score", "number"):
            out = [plain(answer) if answer is not None else ""]
        else:
            out = [answer or ""]
        if self.other:
            out.append(other)
        return out


def header_rows(prefix: Sequence[str], questions: Sequence[QuestionColumns]) -> list[str]:
    return [*prefix, *(h for q in questions for h in q.headers())]


def data_row(prefix: Sequence, questions: Sequence[QuestionColumns], answers: dict, others: dict | None = None) -> list:
    others = others or {}
    return [*prefix, *(cell for q in questions for cell in q.cells(answers.get(q.code), others.get(q.code, "")))]


def codebook(questions: Sequence[QuestionColumns]) -> Iterator[list[str]]:
    """编码说明: every column, its question, and the codes behind it (the only place codes appear)."""
    yield [_("列"), _("题目"), _("题型"), _("编码")]
    for q in questions:
        for header, codes in q.columns():
            yield [header, q.text, _(TYPE_LABELS[q.type]) if q.type in TYPE_LABELS else q.type, codes]


@spreadsheets.exporter
def csv_bytes(rows: Iterable[list]) -> Iterator[bytes]:
    """CSV in UTF-8 with a BOM, so Excel opens Chinese text correctly; yields chunks to write as they come."""
    yield "\ufeff".encode()
    buffer = io.StringIO()
    writer = spreadsheets.csv_writer(buffer)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 64_000:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()

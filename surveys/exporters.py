"""Writing a form's answers as rows: stable columns, codes and labels both, multiple choice one column per
option. Plain functions over plain values (no ORM), so the column layout is easy to test and to reuse."""

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bianzhi import spreadsheets

from .rules import plain, split_multiple


@dataclass(frozen=True)
class QuestionColumns:
    code: str
    text: str
    type: str
    choices: tuple[tuple[str, str], ...]

    def headers(self) -> list[str]:
        if self.type == "single_choice":
            return [self.code, f"{self.code}_label"]
        if self.type == "multiple_choice":
            return [f"{self.code}:{value}" for value, _label in self.choices]
        return [self.code]

    def cells(self, answer) -> list:
        """`answer` is a str (choice or text), a list (multiple choice), a Decimal (score) or None."""
        if self.type == "single_choice":
            return [answer or "", dict(self.choices).get(answer, "") if answer else ""]
        if self.type == "multiple_choice":
            return split_multiple(answer or [], [value for value, _label in self.choices])
        if self.type == "score":
            return [plain(answer) if answer is not None else ""]
        return [answer or ""]


def header_rows(prefix: Sequence[str], questions: Sequence[QuestionColumns]) -> list[str]:
    return [*prefix, *(h for q in questions for h in q.headers())]


def data_row(prefix: Sequence, questions: Sequence[QuestionColumns], answers: dict) -> list:
    return [*prefix, *(cell for q in questions for cell in q.cells(answers.get(q.code)))]


def codebook(questions: Sequence[QuestionColumns]) -> Iterator[list[str]]:
    """题目说明: every column, its question and, for choices, each code's label."""
    yield [_("列"), _("题目"), _("题型"), _("编码与名称")]
    for q in questions:
        for header in q.headers():
            yield [header, q.text, q.type, _("；").join(f"{v}={label}" for v, label in q.choices)]


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

"""Word (.docx) reports with docxtpl: Jinja tags inside a .docx that the office edits in Word/WPS.

The defaults ship in reports/word_templates/ (made by `word_defaults.py`, kept in the repository); the office
may download one, change its wording and layout, and upload it back (reports.models.WordTemplate). An upload
is rendered once with sample data before it is accepted: a Jinja error is refused with its message and the
template text around it. Templates run in Jinja's sandbox: an uploaded file cannot reach Python objects.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from bianzhi.exceptions import ApplicationError

UNIT, SUMMARY = "unit", "summary"
DEFAULTS = Path(__file__).resolve().parent / "word_templates"
DEFAULT_FILES = {UNIT: DEFAULTS / "unit.docx", SUMMARY: DEFAULTS / "summary.docx"}


def default_bytes(kind: str) -> bytes:
    return DEFAULT_FILES[kind].read_bytes()


def template_bytes(kind: str) -> bytes:
    """The office's newest uploaded template of this kind, else the shipped default."""
    from .models import WordTemplate

    uploaded = WordTemplate.objects.filter(kind=kind).order_by("-uploaded_at", "-id").first()
    if uploaded is None:
        return default_bytes(kind)
    with uploaded.file.open("rb") as fh:
        return fh.read()


def render(template: bytes, context: dict) -> bytes:
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(context, jinja_env=SandboxedEnvironment(autoescape=False), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def template_error(exc: Exception) -> str:
    """A template's Jinja error, in Chinese, with where it is."""
    where = ""
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        where = _("（模板第 %(n)s 行）") % {"n": exc.lineno}
    context = getattr(exc, "docx_context", None)
    around = ""
    if context:
        around = _("，出错位置附近的内容：%(text)s") % {"text": " ".join(str(c) for c in context)[:300]}
    message = getattr(exc, "message", None) or str(exc)
    return _("Word 模板有误：%(message)s%(where)s%(around)s") % {"message": message, "where": where, "around": around}


def template_check(data: bytes, kind: str) -> None:
    """Refuse a file that is not a .docx, or whose tags do not render with sample data."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ApplicationError(_("这不是 Word（.docx）文件：请在 Word 或 WPS 中另存为 .docx 后上传"))
    try:
        render(data, SAMPLES[kind]())
    except TemplateError as exc:
        raise ApplicationError(template_error(exc)) from None
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ApplicationError(_("无法读取该 Word 文件（%(e)s）：请确认是 .docx 格式") % {"e": type(exc).__name__}) from None


def _paragraphs(items: list[str]) -> list[str]:
    return items or [_("（未填写）")]


def unit_context(context: dict) -> dict:
    """The Word template's names (documented in the default template): plain values, lists of rows."""
    f = context["f"]
    return {
        "unit": f["unit"], "campaign": f["campaign"], "result": f["result"], "dimensions": f["dimensions"],
        "indicators": f["indicators"], "staff": f["staff"], "recipients": f["recipients"], "visit": f["visit"],
        "problems": f["problems"], "self_assessment": f["self_assessment"], "consequences": f["consequences"],
        "achievements": _paragraphs(context["sections"]["achievements"]),
        "problems_text": _paragraphs(context["sections"]["problems"]),
        "suggestions": _paragraphs(context["sections"]["suggestions"]),
        "signed_by": context["signed_by"], "signed_on": context["signed_on"],
    }


def _sample_unit() -> dict:
    row = {"code": "1.1", "dimension": "职能配置", "name": "合法合规度", "points": 9.0, "full": 10.0, "percent": 90.0,
           "self": 95.0, "source": "评估表"}
    facts = {
        "unit": {"name": "示例单位", "kind": "党政机关", "level": "市级"},
        "campaign": {"name": "示例评估", "year": 2026, "units": 1},
        "result": {"version": 1, "total": "88.0", "grade": "良好", "complete": True, "execution": "44.0",
                   "benefit": "44.0", "rank": 1, "coverage": "41/41"},
        "dimensions": [{"code": "D1", "name": "职能配置", "score": 90.0, "average": 85.0, "weight": 0.125}],
        "indicators": [row], "staff": {"responses": 10, "sentences": ["对职能配置满意率达 90.0%"]},
        "recipients": {"responses": 10, "rate": "90.0%"}, "visit": {"date": "2026-10-01", "judgement": "示例"},
        "problems": [{"stage": "逐项查", "indicator": "1.1", "dimension": "职能配置", "text": "示例问题"}],
        "self_assessment": {"version": 1, "self_mean": 95.0, "evaluated_mean": 90.0, "gaps": []},
        "consequences": [{"name": "示例", "text": "示例"}],
    }
    return unit_context({"f": facts, "sections": {"achievements": ["示例"], "problems": ["示例"], "suggestions": ["示例"]},
                         "signed_by": "示例", "signed_on": "2026年12月1日"})


def _sample_summary() -> dict:
    from .summary import sample_context

    return sample_context()


SAMPLES = {UNIT: _sample_unit, SUMMARY: _sample_summary}

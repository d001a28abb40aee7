"""Makes the default Word templates shipped in reports/word_templates/ (run once after changing this file:
`python -m reports.word_defaults [out-dir]`). Laid out after GB/T 9704-2012 like the PDF: A4, margins 37/35/28/26 mm,
title 二号 方正小标宋简体, level-1 headings 三号 黑体, level-2 三号 楷体_GB2312, body 三号 仿宋_GB2312 with a
two-character indent, "— 1 —" page numbers at the foot. The tags are docxtpl's (Jinja): `{{ name }}`,
`{%p for … %}` for paragraphs, `{%tr for … %}` for table rows."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE, HEI, KAI, FANG = "方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"
OUT = Path(__file__).resolve().parent / "word_templates"


def _font(run, name: str, size: float = 16):
    run.font.name = name
    run.font.size = Pt(size)
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _doc() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FANG, Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANG)
    normal.paragraph_format.line_spacing = Pt(28.9)
    normal.paragraph_format.space_after = Pt(0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(footer.add_run("— "), "宋体", 14)
    run = footer.add_run()
    _font(run, "宋体", 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _font(footer.add_run(" —"), "宋体", 14)
    return doc


def title(doc, text: str):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = Pt(35)
    _font(p.add_run(text), TITLE, 22)


def centre(doc, text: str, font: str = KAI):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), font)


def h1(doc, text: str):
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    _font(p.add_run(text), HEI)


def h2(doc, text: str):
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    _font(p.add_run(text), KAI)


def para(doc, text: str, indent: bool = True, align=None):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), FANG)
    return p


def loop(doc, head: str, body: str, tail: str = "{%p endfor %}"):
    para(doc, head, indent=False)
    para(doc, body)
    para(doc, tail, indent=False)


def table(doc, headers: list[str], loop_head: str, cells: list[str]):
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    for i, h in enumerate(headers):
        _font(t.rows[0].cells[i].paragraphs[0].add_run(h), HEI, 12)
    _font(t.rows[1].cells[0].paragraphs[0].add_run(loop_head), FANG, 12)
    for i, c in enumerate(cells):
        _font(t.rows[2].cells[i].paragraphs[0].add_run(c), FANG, 12)
    _font(t.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}"), FANG, 12)


def lit(text: str) -> str:
    """A translated text as a Jinja string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def unit_template(path: Path) -> None:
    doc = _doc()
    none = lit(_("暂无"))
    title(doc, "{{ unit.name }}" + _("机构编制执行情况和使用效益评估报告"))
    centre(doc, _("（%(year)s年度 · %(campaign)s）") % {"year": "{{ campaign.year }}", "campaign": "{{ campaign.name }}"})
    h1(doc, _("一、评估结果"))
    para(doc, _("经评估，%(unit)s（%(kind)s，%(level)s）%(year)s年度机构编制执行情况和使用效益评估得分 %(total)s 分") % {
              "unit": "{{ unit.name }}", "kind": "{{ unit.kind }}", "level": "{{ unit.level }}", "year": "{{ campaign.year }}",
              "total": f"{{{{ result.total or {none} }}}}"}
              + _("，评估等次为%(grade)s") % {"grade": "{{ result.grade }}"}
              + "{% if result.rank %}" + _("，在全市 %(units)s 个被评估单位中列第 %(rank)s 位") % {
                  "units": "{{ campaign.units }}", "rank": "{{ result.rank }}"} + "{% endif %}" + _("。")
              + _("其中执行情况得分 %(execution)s 分，使用效益得分 %(benefit)s 分。") % {
                  "execution": f"{{{{ result.execution or {none} }}}}", "benefit": f"{{{{ result.benefit or {none} }}}}"})
    h2(doc, _("（一）各维度得分"))
    table(doc, [_("评估维度"), _("本单位得分"), _("全市平均")], "{%tr for d in dimensions %}",
          ["{{ d.name }}", "{{ '%.1f'|format(d.score) if d.score is not none else '—' }}",
           "{{ '%.1f'|format(d.average) if d.average is not none else '—' }}"])
    h2(doc, _("（二）满意度测评"))
    para(doc, "{% if staff.sentences %}" + _("%(n)s 名干部职工参加测评，") % {"n": "{{ staff.responses }}"}
              + f"{{{{ staff.sentences|join({lit(_('；'))}) }}}}" + _("。")
              + "{% else %}" + _("干部职工测评答卷不足最少人数，未出具分维度满意率。") + "{% endif %}")
    para(doc, "{% if recipients.rate %}" + _("%(n)s 名服务对象对本单位机构编制执行情况和满意度测评满意率达 %(rate)s。") % {
              "n": "{{ recipients.responses }}", "rate": "{{ recipients.rate }}"}
              + "{% else %}" + _("暂无服务对象满意度测评结果。") + "{% endif %}")
    h1(doc, _("二、实地评估情况"))
    h2(doc, _("（一）综合评价"))
    para(doc, f"{{{{ visit.judgement or {lit(_('暂无综合评价记录。'))} }}}}")
    h2(doc, _("（二）问题清单"))
    loop(doc, "{%p for p in problems %}", _("%(i)s．%(text)s") % {
        "i": "{{ loop.index }}",
        "text": "{% if p.dimension %}" + _("〔%(d)s〕") % {"d": "{{ p.dimension }}"} + "{% endif %}{{ p.text }}"})
    h1(doc, _("三、自评与评估比较"))
    para(doc, "{% if self_assessment.self_mean is not none %}"
              + _("本单位自评各指标平均得分率 %(s)s%%，评估组评定平均得分率 %(e)s%%。") % {
                  "s": "{{ self_assessment.self_mean }}", "e": "{{ self_assessment.evaluated_mean }}"}
              + "{% else %}" + _("本单位未填报指标自评分。") + "{% endif %}")
    h1(doc, _("四、主要成效"))
    loop(doc, "{%p for t in achievements %}", "{{ t }}")
    h1(doc, _("五、存在问题"))
    loop(doc, "{%p for t in problems_text %}", "{{ t }}")
    h1(doc, _("六、整改意见"))
    loop(doc, "{%p for t in suggestions %}", "{{ t }}")
    h1(doc, _("七、评估结果运用"))
    loop(doc, "{%p for c in consequences %}", _("%(i)s．%(name)s：%(text)s。") % {
        "i": "{{ loop.index }}", "name": "{{ c.name }}", "text": "{{ c.text }}"})
    para(doc, _("评估组长") + _("：") + "{{ signed_by }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "{{ signed_on }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    h1(doc, _("附表　指标得分"))
    table(doc, [_("评估维度"), _("评估内容"), _("得分"), _("得分率"), _("自评")], "{%tr for r in indicators %}",
          ["{{ r.dimension }}", "{{ r.name }}", "{{ r.points if r.points is not none else '—' }}/{{ r.full }}",
           "{{ r.percent ~ '%' if r.percent is not none else '—' }}", "{{ r.self ~ '%' if r.self is not none else '—' }}"])
    doc.save(path)


def summary_template(path: Path) -> None:
    doc = _doc()
    title(doc, _("%(year)s年度机构编制执行情况和使用效益评估工作总结报告") % {"year": "{{ campaign.year }}"})
    centre(doc, _("（%(campaign)s）") % {"campaign": "{{ campaign.name }}"})
    h1(doc, _("一、评估概况与方法"))
    para(doc, _("本次评估类型为%(kind)s，共对 %(units)s 个部门单位开展评估。") % {
        "kind": "{{ campaign.kind }}", "units": "{{ scope.units }}"})
    h2(doc, _("（一）评估阶段与时间"))
    table(doc, [_("阶段"), _("开始日期"), _("截止日期")], "{%tr for s in stages %}", ["{{ s.name }}", "{{ s.entered }}", "{{ s.due }}"])
    h2(doc, _("（二）指标体系与权重"))
    para(doc, _("评估指标体系设 %(dimensions)s 个维度、%(indicators)s 项指标。") % {
              "dimensions": "{{ weights.rows|length }}", "indicators": "{{ weights.indicators }}"}
              + "{% if weights.frozen %}" + _("权重采用层次分析法确定（%(method)s）") % {"method": "{{ weights.method }}"}
              + _("。") + "{% else %}" + _("权重尚未冻结，按等权重计算。") + "{% endif %}")
    table(doc, [_("评估维度"), _("指标数"), _("权重"), "CR"], "{%tr for r in weights.rows %}",
          ["{{ r.name }}", "{{ r.indicators }}", "{{ '%.3f'|format(r.weight) if r.weight is not none else '—' }}",
           "{{ '%.3f'|format(r.cr) if r.cr is not none else '—' }}"])
    h2(doc, _("（三）表册与样本"))
    table(doc, [_("表册"), _("有效样本")], "{%tr for f in forms %}", ["{{ f.name }}", "{{ f.responses }}"])
    h1(doc, _("二、评估结果"))
    h2(doc, _("（一）等次分布"))
    table(doc, [_("等次"), _("单位数"), _("占比")], "{%tr for d in distribution %}",
          ["{{ d.grade }}", "{{ d.count }}", "{{ d.percent }}%"])
    h2(doc, _("（二）各维度得分"))
    table(doc, [_("评估维度"), _("全市平均"), _("最高分")], "{%tr for d in dimensions %}",
          ["{{ d.name }}", "{{ d.average if d.average is not none else '—' }}", "{{ d.best if d.best is not none else '—' }}"])
    h2(doc, _("（三）满意度测评"))
    para(doc, "{% if staff_text %}" + _("干部职工测评中，%(text)s。") % {"text": "{{ staff_text }}"} + "{% endif %}"
              + "{% if recipients_rate %}" + _("%(n)s 名服务对象满意率达到 %(rate)s。") % {
                  "n": "{{ recipients_n }}", "rate": "{{ recipients_rate }}"} + "{% endif %}")
    h2(doc, _("（四）排名"))
    table(doc, [_("名次"), _("单位"), _("得分"), _("等次")], "{%tr for r in ranking %}",
          ["{{ r.rank or '—' }}", "{{ r.unit }}", "{{ r.total }}", "{{ r.grade }}"])
    h1(doc, _("三、发现的典型问题"))
    loop(doc, "{%p for p in problems %}", _("%(i)s．%(dimension)s方面（%(n)s 个）：%(examples)s") % {
        "i": "{{ loop.index }}", "dimension": "{{ p.dimension }}", "n": "{{ p.count }}",
        "examples": f"{{{{ p.examples|join({lit(_('；'))}) }}}}"})
    h1(doc, _("四、整改与复核"))
    para(doc, _("整改：%(text)s。") % {"text": "{{ rectification_text }}"})
    para(doc, _("评估复核：%(text)s。") % {"text": "{{ appeals_text }}"})
    h1(doc, _("五、评估结果运用"))
    para(doc, "{% if frozen %}" + _("评估等次为一般、较差的单位：") + "{% for f in frozen %}"
              + _("%(unit)s（%(grade)s）") % {"unit": "{{ f.unit }}", "grade": "{{ f.grade }}"}
              + "{% if not loop.last %}" + _("、") + "{% endif %}{% endfor %}" + _("。")
              + "{% else %}" + _("本次评估无等次为一般、较差的单位。") + "{% endif %}")
    loop(doc, "{%p for r in reclaims %}", _("建议收回%(unit)s%(kind)s %(amount)s 名（%(status)s）。") % {
        "unit": "{{ r.unit }}", "kind": "{{ r.kind }}", "amount": "{{ r.amount }}", "status": "{{ r.status }}"})
    h1(doc, _("六、工作建议"))
    loop(doc, "{%p for t in suggestions %}", "{{ t }}")
    para(doc, "{{ generated_on }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(path)


def main(out: Path = OUT) -> None:
    """Both templates, in the office's language (the texts are marked: another language's catalogue makes its own)."""
    with translation.override(settings.LANGUAGE_CODE):
        out.mkdir(exist_ok=True)
        unit_template(out / "unit.docx")
        summary_template(out / "summary.docx")


if __name__ == "__main__":
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.settings")
    django.setup()
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)

"""Makes the default Word templates shipped in reports/word_templates/ (run once after changing this file:
`python -m reports.word_defaults`). Laid out after GB/T 9704-2012 like the PDF: A4, margins 37/35/28/26 mm,
title 二号 方正小标宋简体, level-1 headings 三号 黑体, level-2 三号 楷体_GB2312, body 三号 仿宋_GB2312 with a
two-character indent, "— 1 —" page numbers at the foot. The tags are docxtpl's (Jinja): `{{ name }}`,
`{%p for … %}` for paragraphs, `{%tr for … %}` for table rows."""

from __future__ import annotations

from pathlib import Path

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


def unit_template(path: Path) -> None:
    doc = _doc()
    title(doc, "{{ unit.name }}机构编制执行情况和使用效益评估报告")
    centre(doc, "（{{ campaign.year }}年度 · {{ campaign.name }}）")
    h1(doc, "一、评估结果")
    para(doc, "经评估，{{ unit.name }}（{{ unit.kind }}，{{ unit.level }}）{{ campaign.year }}年度机构编制执行情况和使用效益"
              "评估得分 {{ result.total or '暂无' }} 分，评估等次为{{ result.grade }}"
              "{% if result.rank %}，在全市 {{ campaign.units }} 个被评估单位中列第 {{ result.rank }} 位{% endif %}。"
              "其中执行情况得分 {{ result.execution or '暂无' }} 分，使用效益得分 {{ result.benefit or '暂无' }} 分。")
    h2(doc, "（一）各维度得分")
    table(doc, ["评估维度", "本单位得分", "全市平均"], "{%tr for d in dimensions %}",
          ["{{ d.name }}", "{{ '%.1f'|format(d.score) if d.score is not none else '—' }}",
           "{{ '%.1f'|format(d.average) if d.average is not none else '—' }}"])
    h2(doc, "（二）满意度测评")
    para(doc, "{% if staff.sentences %}{{ staff.responses }} 名干部职工参加测评，{{ staff.sentences|join('；') }}。"
              "{% else %}干部职工测评答卷不足最少人数，未出具分维度满意率。{% endif %}")
    para(doc, "{% if recipients.rate %}{{ recipients.responses }} 名服务对象对本单位机构编制执行情况和满意度测评满意率达 "
              "{{ recipients.rate }}。{% else %}暂无服务对象满意度测评结果。{% endif %}")
    h1(doc, "二、实地评估情况")
    h2(doc, "（一）综合评价")
    para(doc, "{{ visit.judgement or '暂无综合评价记录。' }}")
    h2(doc, "（二）问题清单")
    loop(doc, "{%p for p in problems %}", "{{ loop.index }}．{% if p.dimension %}〔{{ p.dimension }}〕{% endif %}{{ p.text }}")
    h1(doc, "三、自评与评估比较")
    para(doc, "{% if self_assessment.self_mean is not none %}本单位自评各指标平均得分率 {{ self_assessment.self_mean }}%，"
              "评估组评定平均得分率 {{ self_assessment.evaluated_mean }}%。{% else %}本单位未填报指标自评分。{% endif %}")
    h1(doc, "四、主要成效")
    loop(doc, "{%p for t in achievements %}", "{{ t }}")
    h1(doc, "五、存在问题")
    loop(doc, "{%p for t in problems_text %}", "{{ t }}")
    h1(doc, "六、整改意见")
    loop(doc, "{%p for t in suggestions %}", "{{ t }}")
    h1(doc, "七、评估结果运用")
    loop(doc, "{%p for c in consequences %}", "{{ loop.index }}．{{ c.name }}：{{ c.text }}。")
    para(doc, "评估组长：{{ signed_by }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "{{ signed_on }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    h1(doc, "附表　指标得分")
    table(doc, ["评估维度", "评估内容", "得分", "得分率", "自评"], "{%tr for r in indicators %}",
          ["{{ r.dimension }}", "{{ r.name }}", "{{ r.points if r.points is not none else '—' }}/{{ r.full }}",
           "{{ r.percent ~ '%' if r.percent is not none else '—' }}", "{{ r.self ~ '%' if r.self is not none else '—' }}"])
    doc.save(path)


def summary_template(path: Path) -> None:
    doc = _doc()
    title(doc, "{{ campaign.year }}年度机构编制执行情况和使用效益评估工作总结报告")
    centre(doc, "（{{ campaign.name }}）")
    h1(doc, "一、评估概况与方法")
    para(doc, "本次评估类型为{{ campaign.kind }}，共对 {{ scope.units }} 个部门单位开展评估。")
    h2(doc, "（一）评估阶段与时间")
    table(doc, ["阶段", "开始日期", "截止日期"], "{%tr for s in stages %}", ["{{ s.name }}", "{{ s.entered }}", "{{ s.due }}"])
    h2(doc, "（二）指标体系与权重")
    para(doc, "评估指标体系设 {{ weights.rows|length }} 个维度、{{ weights.indicators }} 项指标。"
              "{% if weights.frozen %}权重采用层次分析法确定（{{ weights.method }}）。{% else %}权重尚未冻结，按等权重计算。{% endif %}")
    table(doc, ["评估维度", "指标数", "权重", "CR"], "{%tr for r in weights.rows %}",
          ["{{ r.name }}", "{{ r.indicators }}", "{{ '%.3f'|format(r.weight) if r.weight is not none else '—' }}",
           "{{ '%.3f'|format(r.cr) if r.cr is not none else '—' }}"])
    h2(doc, "（三）表册与样本")
    table(doc, ["表册", "有效样本"], "{%tr for f in forms %}", ["{{ f.name }}", "{{ f.responses }}"])
    h1(doc, "二、评估结果")
    h2(doc, "（一）等次分布")
    table(doc, ["等次", "单位数", "占比"], "{%tr for d in distribution %}", ["{{ d.grade }}", "{{ d.count }}", "{{ d.percent }}%"])
    h2(doc, "（二）各维度得分")
    table(doc, ["评估维度", "全市平均", "最高分"], "{%tr for d in dimensions %}",
          ["{{ d.name }}", "{{ d.average if d.average is not none else '—' }}", "{{ d.best if d.best is not none else '—' }}"])
    h2(doc, "（三）满意度测评")
    para(doc, "{% if staff_text %}干部职工测评中，{{ staff_text }}。{% endif %}"
              "{% if recipients_rate %}{{ recipients_n }} 名服务对象满意率达到 {{ recipients_rate }}。{% endif %}")
    h2(doc, "（四）排名")
    table(doc, ["名次", "单位", "得分", "等次"], "{%tr for r in ranking %}",
          ["{{ r.rank or '—' }}", "{{ r.unit }}", "{{ r.total }}", "{{ r.grade }}"])
    h1(doc, "三、发现的典型问题")
    loop(doc, "{%p for p in problems %}", "{{ loop.index }}．{{ p.dimension }}方面（{{ p.count }} 个）：{{ p.examples|join('；') }}")
    h1(doc, "四、整改与复核")
    para(doc, "整改：{{ rectification_text }}。")
    para(doc, "评估复核：{{ appeals_text }}。")
    h1(doc, "五、评估结果运用")
    para(doc, "{% if frozen %}评估等次为一般、较差的单位：{% for f in frozen %}{{ f.unit }}（{{ f.grade }}）"
              "{% if not loop.last %}、{% endif %}{% endfor %}。{% else %}本次评估无等次为一般、较差的单位。{% endif %}")
    loop(doc, "{%p for r in reclaims %}", "建议收回{{ r.unit }}{{ r.kind }} {{ r.amount }} 名（{{ r.status }}）。")
    h1(doc, "六、工作建议")
    loop(doc, "{%p for t in suggestions %}", "{{ t }}")
    para(doc, "{{ generated_on }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(path)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    unit_template(OUT / "unit.docx")
    summary_template(OUT / "summary.docx")

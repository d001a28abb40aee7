"""The four forms (表册) as default templates, written from the paper (DOMAIN.md).

Plain data, no Django. A campaign copies a template (services.form_create) and may edit its copy until the
form opens. Every question says which dimension and indicator of the campaign's tree it feeds and how its
answer becomes points: `points` maps a choice to its share of full marks; a score counts as score / max.
The staff assessment and the evaluation sheet are written from the campaign's own tree (`form_template`).
"""

from django.utils.translation import gettext_noop

from evaluations.indicators import indicator_scale

SATISFACTION_SCALE = [
    ["satisfied", "满意"],
    ["basically_satisfied", "基本满意"],
    ["dissatisfied", "不满意"],
]
# 满意率 = (满意 + 基本满意) / valid answers
SATISFIED_VALUES = frozenset({"satisfied", "basically_satisfied"})
SATISFACTION_POINTS = {"satisfied": 1, "basically_satisfied": 0.6, "dissatisfied": 0}
SATISFACTION_RATE_DEFINITION = gettext_noop("满意率 =（满意 + 基本满意）÷ 有效回答数")  # pages gettext() it

FIVE_LEVEL_SCALE = [
    ["very_good", "很好"],
    ["good", "较好"],
    ["fair", "一般"],
    ["poor", "较差"],
    ["very_poor", "很差"],
]
FIVE_LEVEL_POINTS = {"very_good": 1, "good": 0.8, "fair": 0.6, "poor": 0.4, "very_poor": 0.2}


def _satisfaction(code: str, text: str, dimension: str, indicator: str = "") -> dict:
    return {
        "code": code, "text": text, "type": "single_choice", "choices": SATISFACTION_SCALE,
        "points": SATISFACTION_POINTS, "dimension": dimension, "indicator": indicator,
        "counts_for_satisfaction": True,
    }


def _five_level(code: str, text: str, indicator: str) -> dict:
    return {
        "code": code, "text": text, "type": "single_choice", "choices": FIVE_LEVEL_SCALE,
        "points": FIVE_LEVEL_POINTS, "dimension": indicator.split("_")[0], "indicator": indicator,
    }


SATISFACTION_FORM = {
    "title": "机构编制执行情况和使用效益服务对象满意度测评表",
    "intro": "您好！为了解本单位履行职责、服务群众的情况，请根据您办事的真实感受填写。本表不记名，约需 1 分钟。",
    "questions": [
        _satisfaction("duties", "您对该单位履行职责、办理事项的总体情况是否满意？", "D6", "D6_08"),
        _satisfaction("efficiency", "您对该单位的办事效率是否满意？", "D7", "D7_01"),
        _satisfaction("attitude", "您对该单位工作人员的服务态度是否满意？", "D4", "D4_04"),
        _satisfaction("openness", "您对该单位办事流程、办事指南的公开和清晰程度是否满意？", "D4", "D4_02"),
        _satisfaction("problem_solving", "您反映的问题是否得到了及时解决？", "D6", "D6_09"),
        {"code": "comment", "text": "您对该单位还有什么意见或建议？（选填）", "type": "long_text", "required": False},
    ],
}

QUESTIONNAIRE_FORM = {
    "title": "机构编制执行情况和使用效益调查问卷",
    "intro": "本问卷面向被评估单位干部职工及相关部门，了解机构编制执行和使用情况。问卷不记名，约需 3 分钟。",
    "questions": [
        {"code": "respondent", "text": "您的身份是：", "type": "single_choice",
         "choices": [["staff", "本单位干部职工"], ["related_unit", "相关部门工作人员"], ["other", "其他"]]},
        _five_level("duty_overlap", "该单位与其他部门之间职责交叉、推诿扯皮的情况如何？（很好 = 几乎没有）", "D1_04"),
        _five_level("quota_fit", "该单位的编制数量与承担的职责是否相适应？", "D3_01"),
        _five_level("division_of_work", "该单位内部人员分工是否明晰？", "D4_03"),
        _five_level("cooperation", "该单位配合相关部门工作的情况如何？", "D5_04"),
        _five_level("workload", "该单位工作人员的工作量是否饱满？", "D7_02"),
        {"code": "problems", "text": "您认为该单位在机构编制方面存在哪些问题？（可多选）", "type": "multiple_choice",
         "required": False, "dimension": "D3",
         "choices": [["overlap", "职责交叉"], ["understaffed", "人员不足"], ["idle", "人员闲置"],
                     ["unclear", "分工不清"], ["process", "流程繁琐"], ["other", "其他"]]},
        {"code": "problems_other", "text": "请说明“其他”问题：", "type": "short_text", "required": False,
         "show_if_code": "problems", "show_if_values": ["other"]},
        {"code": "overall", "text": "请对该单位机构编制执行和使用情况打一个总体分（0–10 分，可保留 1 位小数）：",
         "type": "score", "min_score": 0, "max_score": 10, "decimals": 1, "dimension": "D7", "indicator": "D7_03"},
        {"code": "suggestion", "text": "您的意见和建议（选填）：", "type": "long_text", "required": False},
    ],
}

# 测评表 (民主测评): every staff member rates each dimension; the paper reports "对职能配置满意率达 x%".
def staff_assessment_form(dimensions) -> dict:
    return {
        "title": "机构编制执行情况和使用效益干部职工测评表",
        "intro": "本测评不记名：测评票只能使用一次，系统不记录填写人、设备、网络地址和填写时刻。请根据本单位实际情况如实评价。",
        "questions": [
            *(
                _satisfaction(f"d{n}", f"您对本单位“{d.name}”情况是否满意？", d.code)
                for n, d in enumerate(dimensions, start=1)
            ),
            {"code": "comment", "text": "您对本单位机构编制工作还有什么意见或建议？（选填）", "type": "long_text", "required": False},
        ],
    }


# 评估表: the evaluators score every indicator of the campaign's tree on its scale (0 to the tree's full marks,
# one decimal; a negative indicator: the number of incidents), the self-assessment's scale, with a reason.
def evaluation_sheet_form(dimensions) -> dict:
    return {
        "title": "机构编制执行情况和使用效益评估表",
        "intro": "评估组逐项对照“三定”规定和相关材料评分，每项 0 分至该指标满分（与单位自评同一分值），可保留 1 位小数，并写明评分理由。",
        "questions": [
            {"code": indicator.code.lower(),
             "text": indicator.name + ("（负向指标：填写发生重大失误的起数，按规则扣分）" if indicator.negative else ""),
             "type": "score", "min_score": (scale := indicator_scale(indicator)).low, "max_score": scale.high,
             "decimals": scale.decimals, "dimension": dimension.code, "indicator": indicator.code}
            for dimension in dimensions
            for indicator in dimension.indicators
        ],
    }


def _tagged_within(template: dict, dimensions) -> dict:
    """A fixed template whose questions name indicators: tags the campaign's tree no longer has are dropped."""
    dimension_codes = {d.code for d in dimensions}
    indicator_codes = {i.code for d in dimensions for i in d.indicators}
    questions = []
    for q in template["questions"]:
        q = dict(q)
        if q.get("indicator") and q["indicator"] not in indicator_codes:
            q["indicator"] = ""
        if q.get("dimension") and q["dimension"] not in dimension_codes:
            q["dimension"] = ""
        questions.append(q)
    return {**template, "questions": questions}


FORM_KINDS = ("questionnaire", "evaluation_sheet", "staff_assessment", "satisfaction")


def form_template(kind: str, dimensions) -> dict:
    """The default definition of a form of `kind` for a campaign whose tree has `dimensions`."""
    return {
        "questionnaire": lambda: _tagged_within(QUESTIONNAIRE_FORM, dimensions),
        "satisfaction": lambda: _tagged_within(SATISFACTION_FORM, dimensions),
        "staff_assessment": lambda: staff_assessment_form(dimensions),
        "evaluation_sheet": lambda: evaluation_sheet_form(dimensions),
    }[kind]()


def _bank_choice(text: str, scale, points, **tags) -> dict:
    return {"type": "single_choice", "text": text, "required": True, "indicator": tags.get("indicator", ""),
            "dimension": tags.get("dimension", ""), "counts_for_satisfaction": scale is SATISFACTION_SCALE,
            "options": [{"code": v, "label": label, "points": points[v], "other": False} for v, label in scale],
            "rows": [], "min": None, "max": None, "decimals": 0, "show_if": []}


def question_bank(dimensions) -> list[dict]:
    """The question bank (题库) of the campaign's tree: per dimension a satisfaction question and one
    five-level question per indicator, and a matrix rating every dimension. Each entry is a question in
    the definition's shape (surveys.definition), ready to be added to a form; codes come when it is added."""
    groups = [{
        "title": "常用题目",
        "questions": [{
            "type": "matrix", "text": "请对本单位以下各方面的情况作出评价：", "required": True, "indicator": "",
            "dimension": "", "counts_for_satisfaction": True,
            "options": [{"code": v, "label": label, "points": SATISFACTION_POINTS[v], "other": False}
                        for v, label in SATISFACTION_SCALE],
            "rows": [{"code": f"r{n}", "label": d.name, "dimension": d.code, "indicator": ""}
                     for n, d in enumerate(dimensions, start=1)],
            "min": None, "max": None, "decimals": 0, "show_if": [],
        }],
    }]
    for d in dimensions:
        questions = [_bank_choice(f"您对该单位“{d.name}”情况是否满意？", SATISFACTION_SCALE, SATISFACTION_POINTS,
                                  dimension=d.code)]
        questions += [_bank_choice(f"该单位“{i.name}”方面的情况如何？", FIVE_LEVEL_SCALE, FIVE_LEVEL_POINTS,
                                   indicator=i.code, dimension=d.code) for i in d.indicators]
        groups.append({"title": d.name, "questions": questions})
    return groups

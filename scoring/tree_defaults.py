"""What the default indicator tree says about each indicator: kind, source and scoring guideline (评分标准).

Plain data, no Django. The data migration that ships the default template reads it together with
scoring.indicators (codes, names, directions); a campaign copies the template and may edit all of it.
"""

OBJECTIVE, SUBJECTIVE, EVALUATOR = "objective", "subjective", "evaluator"
DEFAULT_FULL_MARKS = 10
DEFAULT_TEMPLATE_NAME = "默认指标体系（8 个维度 41 项指标）"

# code -> (kind, source, guideline)
GUIDELINES: dict[str, tuple[str, str, str]] = {
    "D1_01": (EVALUATOR, "评估表：三定规定与权责清单", "职能配置符合法律法规和“三定”规定得满分；每发现一项无依据设定或行使的职能扣 2 分。"),
    "D1_02": (EVALUATOR, "评估表：三定规定", "职能表述完整、清晰、无遗漏得满分；每有一项表述不清或遗漏的职能扣 2 分。"),
    "D1_03": (EVALUATOR, "评估表：权责清单", "权力与责任对应、有权必有责得满分；每发现一项有权无责或有责无权扣 2 分。"),
    "D1_04": (EVALUATOR, "评估表：职责边界清单", "与其他部门无职责交叉或已明确分工得满分；每有一项未厘清的交叉职责扣 2 分。"),
    "D1_05": (EVALUATOR, "评估表；调查问卷", "职能配置适应经济社会发展需要得满分；存在明显不适应、应调未调的职能，每项扣 3 分。"),
    "D2_01": (EVALUATOR, "评估表：内设机构设置", "内设机构数量、名称、规格与“三定”一致且分工合理得满分；擅自增设或变相增设机构每个扣 5 分。"),
    "D2_02": (EVALUATOR, "评估表：内设机构职责", "内设机构职责边界清晰得满分；每有一处职责不清或推诿扣 2 分。"),
    "D3_01": (EVALUATOR, "评估表；编制台账", "编制数量与承担职责相适应得满分；编制明显不足或闲置的，视程度扣 2～5 分。"),
    "D3_02": (OBJECTIVE, "编制台账：领导职数核定与实配", "领导职数配备不超过核定数且与管理任务相适应得满分；超职数配备每人扣 5 分。"),
    "D3_03": (OBJECTIVE, "编制台账：实有人数 ÷ 核定编制", "得分 = 实有人数 ÷ 核定编制 × 满分；超编（实有人数大于核定编制）得 0 分。"),
    "D3_04": (EVALUATOR, "评估表；编制台账：人员年龄、学历、专业结构", "年龄、学历、专业结构合理得满分；结构明显失衡的视程度扣 2～5 分。"),
    "D3_05": (SUBJECTIVE, "测评表：编制配置", "按干部职工对人员岗位适应情况的满意率计分：满意率 × 满分。"),
    "D4_01": (SUBJECTIVE, "测评表：工作机制", "按干部职工评价的协调配合满意率计分：满意率 × 满分。"),
    "D4_02": (EVALUATOR, "评估表：工作流程与制度", "工作流程规范、环节清晰得满分；流程缺失或明显冗余每项扣 2 分。"),
    "D4_03": (EVALUATOR, "评估表：岗位职责说明", "人员分工明确、岗责对应得满分；分工不明每处扣 2 分。"),
    "D4_04": (SUBJECTIVE, "测评表：工作机制", "按干部职工对工作环境氛围的满意率计分：满意率 × 满分。"),
    "D5_01": (EVALUATOR, "评估表：协作配合制度", "建立健全部门间协作配合机制得满分；未建立扣 5 分，不健全扣 2 分。"),
    "D5_02": (EVALUATOR, "评估表：牵头事项清单", "牵头事项按时落实得满分；每有一项未落实扣 2 分。"),
    "D5_03": (EVALUATOR, "评估表：配合事项清单", "配合事项按要求落实得满分；每有一项推诿或未落实扣 2 分。"),
    "D5_04": (SUBJECTIVE, "调查问卷：相关部门评价", "按相关部门的认可率计分：认可率 × 满分。"),
    "D6_01": (EVALUATOR, "评估表：机构改革职责划转", "划入或新增职责全部落实得满分；每有一项未落实扣 3 分。"),
    "D6_02": (EVALUATOR, "评估表：机构改革职责划转", "转移或下放职责全部落实且衔接到位得满分；每有一项未落实扣 3 分。"),
    "D6_03": (EVALUATOR, "评估表：取消事项清单", "取消职责不再行使得满分；每发现一项仍在行使扣 3 分。"),
    "D6_04": (EVALUATOR, "评估表：加强职责清单", "加强职责有具体举措并见成效得满分；无举措每项扣 3 分。"),
    "D6_05": (EVALUATOR, "评估表：责任清单", "承担的责任全部落实得满分；每有一项未落实扣 2 分。"),
    "D6_06": (EVALUATOR, "评估表；自评报告", "履行职责到位得满分；每发现一项履职不到位扣 2 分。"),
    "D6_07": (EVALUATOR, "评估表；自评报告", "有工作创新并取得成效得满分；无创新举措酌情扣分。"),
    "D6_08": (SUBJECTIVE, "服务对象满意度测评表", "得分 = 服务对象满意率 × 满分（满意率 =（满意 + 基本满意）÷ 有效回答数）。"),
    "D6_09": (EVALUATOR, "评估表；调查问卷", "社会热点难点问题和群众反映突出问题及时解决得满分；每有一项久拖未决扣 2 分。"),
    "D6_10": (EVALUATOR, "评估表：问责与通报记录", "负向指标：无重大失误得满分；每发生一起履职重大失误扣 5 分，扣完为止。"),
    "D7_01": (EVALUATOR, "评估表：年度目标任务", "年度工作任务全部完成得满分；每有一项未完成扣 2 分。"),
    "D7_02": (EVALUATOR, "评估表；编制台账", "职责饱满、工作量与编制相当得满分；工作量明显不足的视程度扣 2～5 分。"),
    "D7_03": (SUBJECTIVE, "测评表：效能效益", "按干部职工对人员作用发挥的满意率计分：满意率 × 满分。"),
    "D7_04": (EVALUATOR, "评估表", "通过优化结构、盘活存量挖掘内部潜力得满分；无举措酌情扣分。"),
    "D7_05": (EVALUATOR, "评估表；自评报告", "对经济社会发展有突出贡献得满分；贡献一般酌情扣分。"),
    "D8_01": (EVALUATOR, "评估表：改革任务台账", "重点领域改革任务全部实施到位得满分；每有一项未到位扣 3 分。"),
    "D8_02": (OBJECTIVE, "编制台账：超编、党政机关使用事业编制", "无超编、无党政机关使用事业编制且实名制信息一致得满分；有任一情形得 0 分。"),
    "D8_03": (EVALUATOR, "评估表：统计报送记录", "机构编制统计数据按时更新得满分；每逾期一次扣 2 分。"),
    "D8_04": (EVALUATOR, "评估表：事业单位登记管理", "督促所属事业单位按时办理登记、年度报告得满分；每有一家未办理扣 2 分。"),
    "D8_05": (EVALUATOR, "评估表：网上名称管理", "中文域名和网站标识按规定注册、使用得满分；每有一处不规范扣 2 分。"),
    "D8_06": (EVALUATOR, "评估表：统一社会信用代码", "统一社会信用代码证及时办理、变更得满分；每有一项逾期扣 2 分。"),
}


# code -> (rule, params): how the default tree scores each indicator from its source (scoring.rules.RULES).
# Every other indicator is scored from the lead-signed evaluation sheet ("sheet").
DEFAULT_RULES: dict[str, tuple[str, dict]] = {
    "D3_01": ("sheet", {"long_vacancy_deduction": 2}),  # 编制与职责适宜度: 长期空编 lowers it
    "D3_02": ("posts_within", {"per_post": 5}),
    "D3_03": ("staffing_in_place", {}),
    "D3_05": ("staff_dimension", {"dimension": "D3"}),
    "D4_01": ("staff_dimension", {"dimension": "D4"}),
    "D4_04": ("staff_dimension", {"dimension": "D4"}),
    "D5_04": ("questions", {"form": "questionnaire"}),
    "D6_08": ("questions", {"form": "satisfaction"}),
    "D6_10": ("deduction", {"per_item": 5}),
    "D7_02": ("sheet", {"long_vacancy_deduction": 2}),  # 职责饱和程度: 长期空编 lowers it
    "D7_03": ("staff_dimension", {"dimension": "D7"}),
    "D8_02": ("quota_rules", {"per_case": 10}),
    # 及时更新机构编制统计数据 (评分标准：按时报送): the self-assessment filed after the 部门自评 deadline costs 2
    "D8_03": ("sheet", {"late_deduction": 2}),
}


def default_rule(code: str) -> tuple[str, dict]:
    return DEFAULT_RULES.get(code, ("sheet", {}))


def build_default_tree(tree_model, dimension_model, indicator_model):
    """Create the default template with the given model classes (the real ones, or a migration's historical
    ones); returns the existing template if there is one. No Django import here: the caller passes the models."""
    from .indicators import DIMENSIONS

    tree, created = tree_model.objects.get_or_create(name=DEFAULT_TEMPLATE_NAME, campaign=None)
    if not created:
        return tree
    for d_pos, dimension in enumerate(DIMENSIONS, start=1):
        dim = dimension_model.objects.create(tree=tree, code=dimension.code, name=dimension.name, position=d_pos)
        for i_pos, indicator in enumerate(dimension.indicators, start=1):
            kind, source, guideline = GUIDELINES[indicator.code]
            indicator_model.objects.create(
                tree=tree, dimension=dim, code=indicator.code, name=indicator.name, guideline=guideline, kind=kind,
                source=source, direction="negative" if indicator.negative else "positive",
                full_marks=DEFAULT_FULL_MARKS, position=i_pos,
                **({} if not hasattr(indicator_model, "rule") else
                   dict(zip(("rule", "params"), default_rule(indicator.code)))),
            )
    return tree

"""The default service-recipient satisfaction form (服务对象满意度测评表), written from the paper."""

SATISFACTION_SCALE = [
    ["satisfied", "满意"],
    ["basically_satisfied", "基本满意"],
    ["dissatisfied", "不满意"],
]
# 满意率 = (满意 + 基本满意) / valid answers
SATISFIED_VALUES = frozenset({"satisfied", "basically_satisfied"})

SATISFACTION_FORM = {
    "title": "机构编制执行情况和使用效益服务对象满意度测评表",
    "intro": "您好！为了解本单位履行职责、服务群众的情况，请根据您办事的真实感受填写。本表不记名，约需 1 分钟。",
    "questions": [
        {"code": "duties", "text": "您对该单位履行职责、办理事项的总体情况是否满意？", "dimension": "D6"},
        {"code": "efficiency", "text": "您对该单位的办事效率是否满意？", "dimension": "D7"},
        {"code": "attitude", "text": "您对该单位工作人员的服务态度是否满意？", "dimension": "D4"},
        {"code": "openness", "text": "您对该单位办事流程、办事指南的公开和清晰程度是否满意？", "dimension": "D4"},
        {"code": "problem_solving", "text": "您反映的问题是否得到了及时解决？", "dimension": "D6"},
        {"code": "comment", "text": "您对该单位还有什么意见或建议？（选填）", "type": "long_text", "required": False},
    ],
}

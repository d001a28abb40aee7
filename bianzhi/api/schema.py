"""The API's schema says what every operation may answer, refusals included.

drf-spectacular documents the success responses a view declares; every operation can also refuse (400 bad
input, 403 not allowed or not signed in, 404 not visible or absent). The error body is the one
`bianzhi.exceptions.api_exception_handler` writes: `{"detail": "…"}`, or field errors for a 400.
"""

ERROR_SCHEMA = {
    "type": "object",
    "description": "拒绝的原因：detail 为说明；输入有误时按字段列出错误",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
REFUSALS = {
    "400": "输入有误",
    "401": "未登录",
    "403": "无权进行此操作，或未登录",
    "404": "不存在，或无权查看",
}


def add_refusals(result, generator, request, public):
    """Postprocessing hook: add the refusals to every operation that does not describe them itself."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in REFUSALS.items():
                responses.setdefault(status, {"description": description, "content": error})
    return result

"""The OpenAPI schema's common parts: the error answers every operation may give."""

ERROR = {
    "type": "object",
    "description": "What went wrong; `errors` names each field that is not valid.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}

ANSWERS = {
    "400": "Some values (query parameters or body) are not valid: see `errors`.",
    "401": "No valid token or session: the token is unknown, revoked or expired.",
    "403": "You may see this program but not do this.",
    "404": "No such thing, or it belongs to a program you may not see.",
    "409": "Someone else changed it at the same time: read it again and retry.",
    "429": "Too many requests for this token: wait as long as `Retry-After` says.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: document the error answers of each operation
    (every one may answer 401, 403, 404 and 429; those with parameters or a body 400; writes
    409), all in the shape of `Error`."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            codes = ["401", "403", "404", "429"]
            if operation.get("parameters") or operation.get("requestBody"):
                codes.append("400")
            if method in ("post", "put", "patch", "delete"):
                codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": ANSWERS[code], "content": reference})
            if "429" in responses:
                responses["429"].setdefault(
                    "headers",
                    {
                        "Retry-After": {
                            "schema": {"type": "integer"},
                            "description": "Seconds to wait.",
                        }
                    },
                )
    return result

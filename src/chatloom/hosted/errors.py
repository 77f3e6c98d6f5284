"""OpenAI's error envelope, which the hosted REST surface and its SDKs expect.

``{"error": {"message": ..., "type": ..., "param": ..., "code": ...}}``
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class APIError(HTTPException):
    """An error answered with the OpenAI envelope and ``status``.

    An ``HTTPException``, so code that lets those through (the attachment routes do)
    hands it to the app's handler, :func:`api_error_handler`.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status, message, dict(headers or {}))
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code

    def response(self) -> JSONResponse:
        body = {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }
        return JSONResponse(body, status_code=self.status, headers=dict(self.headers or {}))


async def api_error_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, APIError)
    return error.response()


def unavailable(error: Exception) -> APIError:
    """503 while the database cannot be reached; the SDKs retry after ``Retry-After``."""
    return APIError(
        503,
        str(error),
        type="server_error",
        code="service_unavailable",
        headers={"Retry-After": "1"},
    )


def not_found(message: str) -> APIError:
    return APIError(404, message, code="not_found")


def from_validation(error: ValidationError) -> APIError:
    """The first problem of a request body, worded as the OpenAI API words it."""
    detail = error.errors(include_url=False, include_input=False)[0]
    param = ".".join(str(part) for part in detail["loc"]) or None
    if detail["type"] == "extra_forbidden":
        return APIError(
            400, f"Unknown parameter: '{param}'.", param=param, code="unknown_parameter"
        )
    if detail["type"] == "missing":
        return APIError(
            400,
            f"Missing required parameter: '{param}'.",
            param=param,
            code="missing_required_parameter",
        )
    message = f"Invalid '{param}': {detail['msg']}." if param else f"Invalid body: {detail['msg']}."
    return APIError(400, message, param=param, code="invalid_value")


__all__ = ["APIError", "api_error_handler", "from_validation", "not_found", "unavailable"]

"""What ``/openapi.json`` says the JSON routes answer: the envelope every route shares, and its error shape.

Payload models allow extra keys: they document the fields a client can rely on; the tests assert whole payloads.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str = Field(description="The error's class, e.g. StoreNotFound, ValidationFailed.")
    message: str = Field(description="One sentence in the request's language.")
    status: int


class ErrorEnvelope(BaseModel):
    ok: Literal[False]
    error: ErrorBody


class Envelope(BaseModel):
    model_config = ConfigDict(extra="allow")
    ok: Literal[True]


class StoreOut(BaseModel):
    id: str
    name: str
    platform: str | None


class StoresEnvelope(Envelope):
    stores: list[StoreOut]


class SessionEnvelope(Envelope):
    user: str
    role: str
    csrf_token: str
    permissions: list[str]
    stores: list[StoreOut]


class LoginBody(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)


NAME = r"^[A-Za-z0-9._-]{2,40}$"
STORE_ID = r"^[A-Za-z0-9._-]{2,40}$"
Role = Literal["owner", "operator", "promotion", "design", "service", "content"]
TaskRole = Literal["operator", "promotion", "design", "service", "content"]
AMOUNT = r"^([0-9]{1,12}|[0-9]{1,3}(,[0-9]{3}){1,3})(\.[0-9]{1,2})?$"  # up to 999,999,999,999.99
GrantedStore = Annotated[str, Field(pattern=r"^([A-Za-z0-9._-]{2,40}|\*)$")]
WebhookEvent = Literal["daily_report", "finding", "task_assigned", "task_done", "import"]


class TargetBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: str = Field(description="YYYY-MM", pattern=r"^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])$")
    gmv: Annotated[float, Field(ge=0, le=1e12)] | Annotated[str, Field(pattern=AMOUNT)] = Field(
        description="The month's GMV target: a number, or text such as '1,200,000.50'"
    )


class ThresholdsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bounce_rate: list[Annotated[float, Field(ge=0, le=1)]] | None = Field(
        None, min_length=3, max_length=3, description="passes, good, strong: three rates 0…1 (upper limits)"
    )
    pages_per_visitor: list[Annotated[float, Field(ge=0, le=100)]] | None = Field(
        None, min_length=3, max_length=3, description="passes, good, strong: three depths 0…100 (lower limits)"
    )


class StoreBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    store_id: str = Field(pattern=STORE_ID)
    name: str = Field(min_length=1, max_length=120, pattern=r"\S")
    platform: str | None = Field(None, max_length=40)


class RenameBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120, pattern=r"\S")
    platform: str | None = Field(None, max_length=40)


class UserBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(pattern=NAME)
    password: str = Field(min_length=10, max_length=1024)
    role: Role
    stores: list[GrantedStore] = Field(min_length=1)


class UserUpdateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role | None = None
    stores: list[GrantedStore] | None = Field(None, min_length=1)
    password: str | None = Field(None, min_length=10, max_length=1024)


class WebhookBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=500, pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s]*)?$")
    events: list[WebhookEvent] = Field(min_length=1)


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assignee: str | None = Field(None, max_length=40, description="A user name, or null to unassign")
    role: TaskRole | None = Field(None, description="Move the task to another role's column")


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:  # noqa: D103
    return {code: {"model": ErrorEnvelope, "description": _DESCRIPTIONS[code]} for code in codes}


_DESCRIPTIONS = {
    400: "A value the user got wrong",
    401: "No session: sign in first",
    403: "The role may not do this, or the CSRF token is missing",
    404: "No such store (or not granted), no such item, or no data on that day",
    409: "It already exists",
    413: "Upload over the size cap",
    422: "A parameter of the wrong type or shape",
    429: "Too many failed sign-ins",
}
API_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


def documented(model: type[BaseModel] = Envelope, *codes: int) -> dict[int | str, dict[str, Any]]:
    """The responses a JSON route documents: its 200 model, the errors every route shares, and ``codes``."""
    return {200: {"model": model}, **API_ERRORS, **error_responses(*codes)}

"""Who, from where, under which request id: set by middleware (or a task) and read by the audit
trail, so services need not pass the request around."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""


current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "apc_request_context", default=None
)

"""The exceptions of the nxlink package: every one is an :class:`NXLinkError`.

None of them ever holds the access secret: their texts come from the Rust crates, which never
print it.
"""

from __future__ import annotations

# `typing` is only read by type checkers (the annotations are strings): importing it would
# triple the package's import time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional, Sequence

    from ._native import Violation

__all__ = [
    "NXLinkError",
    "TaskValidationError",
    "ApiError",
    "AuthenticationError",
    "TransportError",
    "HttpStatusError",
    "DecodeError",
    "OutcomeUnknownError",
    "AlreadyExistsError",
    "ConfigError",
    "CallbackVerificationError",
]


class NXLinkError(Exception):
    """Base of every error the package raises.

    ``code``, ``message`` and ``trace_id`` are the gateway's when it answered with a non-zero
    code (quote ``trace_id`` to NXLink support); otherwise ``code`` and ``trace_id`` are None
    and ``message`` is the description. ``endpoint`` is the path of the failed call, if any.
    """

    code: Optional[int]
    message: str
    trace_id: Optional[str]
    endpoint: Optional[str]

    def __init__(
        self,
        description: str,
        *,
        code: Optional[int] = None,
        message: Optional[str] = None,
        trace_id: Optional[str] = None,
        endpoint: Optional[str] = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.message = description if message is None else message
        self.trace_id = trace_id
        self.endpoint = endpoint


class TaskValidationError(NXLinkError, ValueError):
    """A request breaks documented rules and was not sent; ``violations`` lists every one,
    each with its JSON path (e.g. ``callList[3].phoneNumber``)."""

    violations: List[Violation]

    def __init__(
        self, description: str, *, violations: Sequence[Violation] = (), **common: object
    ) -> None:
        super().__init__(description, **common)  # type: ignore[arg-type]
        self.violations = list(violations)


class ApiError(NXLinkError):
    """The gateway answered with a non-zero ``code`` (e.g. 20000, a business error)."""


class AuthenticationError(ApiError):
    """The gateway refused the credentials, signature or timestamp (codes 1001–1005; 1003 is
    a wrong secret, algorithm or Content-Type, 1004 a clock off by more than 60 s)."""


class TransportError(NXLinkError):
    """No answer: the connection failed, broke or timed out."""


class HttpStatusError(NXLinkError):
    """The gateway answered an HTTP error status without an NXLink envelope."""

    http_status: Optional[int]
    retry_after: Optional[float]

    def __init__(
        self,
        description: str,
        *,
        http_status: Optional[int] = None,
        retry_after: Optional[float] = None,
        **common: object,
    ) -> None:
        super().__init__(description, **common)  # type: ignore[arg-type]
        self.http_status = http_status
        self.retry_after = retry_after


class DecodeError(NXLinkError):
    """The gateway's answer was not the documented JSON."""


class OutcomeUnknownError(NXLinkError):
    """A write may or may not have taken effect and the client could not find out; the text
    says what may have happened. Look before sending it again."""


class AlreadyExistsError(NXLinkError):
    """``create_task_once`` sent nothing: tasks with the request's ``userTaskId`` exist
    (``existing_task_ids``)."""

    existing_task_ids: List[str]

    def __init__(
        self, description: str, *, existing_task_ids: Sequence[str] = (), **common: object
    ) -> None:
        super().__init__(description, **common)  # type: ignore[arg-type]
        self.existing_task_ids = list(existing_task_ids)


class ConfigError(NXLinkError, ValueError):
    """The client was configured wrongly (no or empty credentials, an unknown region or
    algorithm, both or neither of region and base_url, a bad base URL, …)."""


class CallbackVerificationError(NXLinkError):
    """A callback failed verification: answer 401 and do not process it.

    ``reason`` names the check that failed: ``missing_header``, ``unknown_access_key``,
    ``malformed_timestamp``, ``stale_timestamp`` (``age_ms`` says by how much; positive is in
    the past), ``unknown_algorithm`` or ``bad_signature``.
    """

    reason: str
    age_ms: Optional[int]

    def __init__(
        self,
        description: str,
        *,
        reason: str = "rejected",
        age_ms: Optional[int] = None,
        **common: object,
    ) -> None:
        super().__init__(description, **common)  # type: ignore[arg-type]
        self.reason = reason
        self.age_ms = age_ms

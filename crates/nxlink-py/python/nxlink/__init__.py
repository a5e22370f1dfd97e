"""NXLink AI-agent outbound-call OpenAPI for Python, over the Rust SDK nxlink-rs.

Validation, signing, the client and the emulator are the Rust crates' own (one core, no second
implementation): ``validate_task`` and friends list every broken rule with its JSON path,
``sign`` and ``verify_callback`` compute the exact-bytes signature, ``Client`` sends validated,
signed requests with retries that never create a task twice, and ``nxlink.testing.Emulator``
runs the faithful gateway emulator in-process.

Requests are dicts in the documented JSON shape (camelCase keys, as in the NXLink docs) or
JSON text (``str`` or ``bytes``); gateway records come back as dicts of the same shape.
"""

from ._native import (
    AppendReport,
    Client,
    CreatedTask,
    FailedBatch,
    Page,
    Records,
    Violation,
    check_task,
    sign,
    validate_append,
    validate_delete,
    validate_list_calls,
    validate_list_flows,
    validate_list_routes,
    validate_list_tasks,
    validate_task,
    verify_callback,
)
from .errors import (
    AlreadyExistsError,
    ApiError,
    AuthenticationError,
    CallbackVerificationError,
    ConfigError,
    DecodeError,
    HttpStatusError,
    NXLinkError,
    OutcomeUnknownError,
    TaskValidationError,
    TransportError,
)

__all__ = [
    "AlreadyExistsError",
    "ApiError",
    "AppendReport",
    "AuthenticationError",
    "CallbackVerificationError",
    "Client",
    "ConfigError",
    "CreatedTask",
    "DecodeError",
    "FailedBatch",
    "HttpStatusError",
    "NXLinkError",
    "OutcomeUnknownError",
    "Page",
    "Records",
    "TaskValidationError",
    "TransportError",
    "Violation",
    "check_task",
    "sign",
    "validate_append",
    "validate_delete",
    "validate_list_calls",
    "validate_list_flows",
    "validate_list_routes",
    "validate_list_tasks",
    "validate_task",
    "verify_callback",
]

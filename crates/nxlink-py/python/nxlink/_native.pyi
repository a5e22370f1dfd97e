"""Type stubs of the extension module (the Rust crate nxlink-py); import from ``nxlink``."""

from types import TracebackType
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Type, Union

from .errors import NXLinkError

#: A request: a dict in the documented JSON shape (camelCase keys), or its JSON text.
Request = Union[Mapping[str, Any], str, bytes, bytearray]
#: A gateway record (task, call record, agent, route, refused contact) in its documented shape.
Record = Dict[str, Any]
#: Headers as received: a mapping (anything with ``.items()``) or ``(name, value)`` pairs.
Headers = Union[Mapping[str, Union[str, bytes]], Iterable[Tuple[Union[str, bytes], Union[str, bytes]]]]

DEMO_ACCESS_KEY: str
DEMO_ACCESS_SECRET: str

class Violation:
    """One broken rule: the JSON path of the value (empty for the whole document) and why."""

    @property
    def path(self) -> str: ...
    @property
    def reason(self) -> str: ...
    def __init__(self, path: str, reason: str) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

def validate_task(task: Request) -> List[Violation]:
    """Every rule a task/create request breaks (``[]`` when valid), each at its JSON path."""

def check_task(task: Request) -> None:
    """Raises ``TaskValidationError`` listing every rule a task/create request breaks."""

def validate_append(request: Request) -> List[Violation]:
    """Every rule a call/append request breaks (``[]`` when valid)."""

def validate_delete(request: Request) -> List[Violation]:
    """Every rule an order/delete request breaks (``[]`` when valid)."""

def validate_list_tasks(request: Request) -> List[Violation]:
    """Every rule a task/list request breaks (``[]`` when valid)."""

def validate_list_calls(request: Request) -> List[Violation]:
    """Every rule a call/list request breaks (``[]`` when valid)."""

def validate_list_flows(request: Request) -> List[Violation]:
    """Every rule a flow/list request breaks (``[]`` when valid)."""

def validate_list_routes(request: Request) -> List[Violation]:
    """Every rule a route/list request breaks (``[]`` when valid)."""

def sign(
    access_key: str,
    secret: str,
    ts_ms: int,
    body: Union[bytes, bytearray, str],
    algorithm: str = "md5",
    *,
    biz_type: str = "100",
    action: str = "nxai",
) -> Dict[str, str]:
    """The headers to send with ``body`` (the exact bytes sent) at time ``ts_ms``:
    accessKey, ts, bizType, action, sign, algorithm (sha256 only) and Content-Type."""

def verify_callback(
    headers: Headers,
    body: Union[bytes, bytearray, str],
    access_key: str,
    secret: str,
    *,
    now_ms: Optional[int] = None,
    tolerance_ms: int = 60000,
) -> None:
    """Raises ``CallbackVerificationError`` unless the callback's signature headers match the
    raw body, the access key is ``access_key`` and ``ts`` is within ``tolerance_ms``."""

class FailedBatch:
    """Contacts that did not go through, with the error and the contacts to send again."""

    @property
    def index(self) -> int: ...
    @property
    def first_contact(self) -> int: ...
    @property
    def error(self) -> NXLinkError: ...
    @property
    def contacts(self) -> List[Record]: ...

class CreatedTask:
    """A task the gateway created, with the contacts it refused."""

    @property
    def task_id(self) -> str: ...
    @property
    def user_task_id(self) -> Optional[str]: ...
    @property
    def status(self) -> int: ...
    @property
    def success_count(self) -> int: ...
    @property
    def total_count(self) -> int: ...
    @property
    def rejected(self) -> List[Record]: ...
    @property
    def failed(self) -> List[FailedBatch]: ...
    @property
    def trace_id(self) -> Optional[str]: ...
    @property
    def reconciled(self) -> bool: ...
    @property
    def is_partial(self) -> bool: ...
    @property
    def is_complete(self) -> bool: ...

class AppendReport:
    """What happened to every contact of an append."""

    @property
    def submitted(self) -> List[str]: ...
    @property
    def already_present(self) -> List[str]: ...
    @property
    def rejected(self) -> List[Record]: ...
    @property
    def failed(self) -> List[FailedBatch]: ...
    @property
    def maybe_doubled(self) -> List[str]: ...
    @property
    def is_complete(self) -> bool: ...
    @property
    def failed_count(self) -> int: ...
    def unsent(self) -> List[Record]:
        """The contacts to append again to finish the run, in input order."""

class Page:
    """One page of a list endpoint."""

    @property
    def items(self) -> List[Record]: ...
    @property
    def total(self) -> int: ...
    @property
    def page_number(self) -> int: ...
    @property
    def page_size(self) -> int: ...
    @property
    def trace_id(self) -> Optional[str]: ...
    def __len__(self) -> int: ...

class Records(Iterator[Record]):
    """Every record of a list endpoint, fetched page by page as it is consumed."""

    def __iter__(self) -> Records: ...
    def __next__(self) -> Record: ...

class Client:
    """A client for the NXLink AI-agent OpenAPI; blocking methods, the GIL released while
    they wait. Invalid requests raise ``TaskValidationError`` and send nothing; failures raise
    ``NXLinkError`` subclasses carrying ``code``, ``message`` and ``trace_id``."""

    def __init__(
        self,
        access_key: str,
        secret: str,
        *,
        region: Optional[str] = None,
        base_url: Optional[str] = None,
        algorithm: str = "md5",
        request_timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        batch_size: Optional[int] = None,
        retries: bool = True,
    ) -> None: ...
    @staticmethod
    def from_env() -> Client: ...
    @property
    def base_url(self) -> str: ...
    def create_task(self, task: Request) -> CreatedTask: ...
    def create_task_once(self, task: Request) -> CreatedTask: ...
    def append_contacts(self, request: Request) -> AppendReport: ...
    def delete_contact(self, request: Request) -> List[str]: ...
    def list_tasks(self, request: Optional[Request] = None) -> Records: ...
    def list_tasks_page(self, request: Optional[Request] = None) -> Page: ...
    def find_tasks_by_user_task_id(self, user_task_id: str) -> List[Record]: ...
    def list_calls(self, request: Request) -> Records: ...
    def list_calls_page(self, request: Request) -> Page: ...
    def list_flows(self, request: Optional[Request] = None) -> Records: ...
    def list_flows_page(self, request: Optional[Request] = None) -> Page: ...
    def list_routes(self, request: Optional[Request] = None) -> Records: ...
    def list_routes_page(self, request: Optional[Request] = None) -> Page: ...

class Emulator:
    """The faithful NXLink gateway emulator, in this process on 127.0.0.1."""

    def __init__(
        self,
        access_key: str = ...,
        access_secret: str = ...,
        *,
        manual_clock: bool = False,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def access_key(self) -> str: ...
    @property
    def access_secret(self) -> str: ...
    @property
    def request_count(self) -> int: ...
    @property
    def now_ms(self) -> int: ...
    def client(self, *, algorithm: str = "md5", batch_size: Optional[int] = None) -> Client: ...
    def task_ids(self) -> List[str]: ...
    def contact_ids(self, task_id: str) -> List[str]: ...
    def start_task(self, task_id: str) -> bool: ...
    def advance(self, seconds: float) -> None: ...
    def wait_for_callbacks(self) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> Emulator: ...
    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> bool: ...

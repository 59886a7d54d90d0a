"""HTTP with retries: Basic auth, JSON bodies, idempotency keys, backoff with jitter."""

import base64
import email.utils
import http.client
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from .errors import ApiError, NetworkError
from .version import __version__

#: Answers worth another attempt: overload (429), the server or its database
#: unavailable (503), and a gateway in front of it that lost the upstream (502, 504).
RETRY_STATUSES = frozenset([429, 502, 503, 504])

#: Methods that change something; each call carries one Idempotency-Key.
GUARDED_METHODS = frozenset(["POST", "PUT", "DELETE"])


@dataclass
class RetryPolicy:
    """How often and how long to retry.

    The n-th retry waits a uniform random time in [0, min(max_delay, base_delay * 2**n)]
    ("full jitter", from the AWS Architecture Blog's "Exponential Backoff and Jitter",
    2015), so that many workers that failed together do not retry together; it waits
    at least the server's Retry-After when one is given.
    """

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, retry: int, retry_after: Optional[float], draw: Callable[[], float]) -> float:
        ceiling = min(self.max_delay, self.base_delay * (2**retry))
        jittered = draw() * ceiling
        if retry_after is None:
            return jittered
        return max(retry_after, jittered)


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After as seconds: either delta-seconds or an HTTP date (RFC 9110, 10.2.3)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class Response:
    status: int
    headers: Dict[str, str]
    body: Any


class Transport:
    """Sends one API call, retrying it as the policy allows.

    Every attempt of one POST, PUT or DELETE call carries the same Idempotency-Key
    and the same bytes, so the server runs the change at most once and replays its
    first answer to the retries.
    """

    def __init__(
        self,
        url: str,
        token: str,
        timeout: float = 60.0,
        retry: Optional[RetryPolicy] = None,
        sleep: Callable[[float], None] = time.sleep,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.base = api_base(url)
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._draw = draw
        credentials = base64.b64encode((token + ":").encode("utf-8")).decode("ascii")
        self._headers = {
            "Authorization": "Basic " + credentials,
            "Accept": "application/json",
            "User-Agent": "argmax-python/" + __version__,
        }

    def request(
        self,
        method: str,
        path: str,
        query: Optional[Mapping[str, Any]] = None,
        body: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Any:
        """Returns the parsed JSON answer (None for an empty one); raises ApiError."""
        url = self.base + path + encode_query(query)
        headers = dict(self._headers)
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":"), allow_nan=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if method in GUARDED_METHODS:
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        return self._with_retries(method, url, headers, data).body

    def _with_retries(
        self, method: str, url: str, headers: Dict[str, str], data: Optional[bytes]
    ) -> Response:
        attempts = max(1, self.retry.max_attempts)
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                response = self._send(method, url, headers, data)
            except _Unreachable as error:
                if last:
                    message = f"{method} {url}: no answer after {attempt} attempts ({error.cause})"
                    raise NetworkError(message, attempt) from error.cause
                self._sleep(self.retry.delay(attempt - 1, None, self._draw))
                continue
            if response.status < 400:
                return response
            if last or not retryable(response, "Idempotency-Key" in headers):
                raise api_error(response)
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            self._sleep(self.retry.delay(attempt - 1, retry_after, self._draw))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _send(
        self, method: str, url: str, headers: Dict[str, str], data: Optional[bytes]
    ) -> Response:
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return read_response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as answer:
            try:
                return read_response(answer.code, answer.headers, answer.read())
            finally:
                answer.close()
        except urllib.error.URLError as error:
            if isinstance(error.reason, (OSError, http.client.HTTPException)):
                raise _Unreachable(error.reason) from error
            raise
        except (OSError, http.client.HTTPException) as error:
            # Reset, timed out or cut short while reading the answer.
            raise _Unreachable(error) from error


class _Unreachable(Exception):
    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def retryable(response: Response, has_key: bool) -> bool:
    if response.status in RETRY_STATUSES:
        return True
    # 409 with Retry-After: an earlier attempt with this key is still running.
    return response.status == 409 and has_key and "retry-after" in response.headers


def read_response(status: int, headers: Any, raw: bytes) -> Response:
    lowered = {name.lower(): value for name, value in headers.items()}
    body = None
    if raw:
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = {"message": raw.decode("utf-8", "replace")[:500]}
    return Response(status, lowered, body)


def api_error(response: Response) -> ApiError:
    body = response.body if isinstance(response.body, dict) else {}
    message = body.get("message")
    if not isinstance(message, str):
        message = http.client.responses.get(response.status, "HTTP error")
    return ApiError(response.status, message, body, response.headers)


def api_base(url: str) -> str:
    """The API root: the given URL without a trailing slash, with /v1 added if missing."""
    base = url.rstrip("/")
    if not base.endswith("/v1"):
        base += "/v1"
    return base


def encode_query(query: Optional[Mapping[str, Any]]) -> str:
    if not query:
        return ""
    pairs: List[Tuple[str, str]] = []
    for name, value in query.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = ",".join(str(item) for item in value)
        pairs.append((name, str(value)))
    return "?" + urllib.parse.urlencode(pairs) if pairs else ""

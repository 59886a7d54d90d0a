"""The errors the client raises."""

from typing import Any, Dict, Optional


class ApiError(Exception):
    """The server answered with an error status (4xx or 5xx).

    ``status`` is the HTTP status, ``message`` the server's own message (it names
    the field that is wrong), ``body`` the whole error object as parsed JSON.
    """

    def __init__(
        self,
        status: Optional[int],
        message: str,
        body: Optional[Dict[str, Any]] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        super().__init__(message if status is None else f"{status}: {message}")
        self.status = status
        self.message = message
        self.body = body or {}
        self.headers = headers or {}


class NetworkError(ApiError):
    """No answer came back (refused, reset, timed out) after every attempt.

    ``status`` is None; ``attempts`` says how many requests were sent, and
    ``__cause__`` holds the last low-level error.
    """

    def __init__(self, message: str, attempts: int) -> None:
        super().__init__(None, message)
        self.attempts = attempts

"""One suggestion being evaluated: its result, and its lease kept alive meanwhile."""

import logging
import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Sequence, Union

from .errors import ApiError

if TYPE_CHECKING:  # pragma: no cover
    from .experiment import Experiment

log = logging.getLogger("argmax")

Values = Union[None, Mapping[str, float], Sequence[Mapping[str, Any]]]


class LeaseKeeper:
    """Renews a suggestion's lease from a background thread until stopped.

    It renews at a third of the lease, so that two renewals in a row may be lost
    (or slowed by retries) before the lease runs out.
    """

    def __init__(self, renew: Callable[[], Any], lease_seconds: float) -> None:
        self.interval = max(0.05, lease_seconds / 3.0)
        self.renewals = 0
        self._renew = renew
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="argmax-lease", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        # No join: a renewal in flight may be retrying, and the trial need not wait for it.
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._renew()
                self.renewals += 1
            except ApiError as error:
                if self._stop.is_set():
                    return
                if error.status in (400, 404, 409):
                    # Closed, expired or gone: renewing again cannot help.
                    log.warning("lease renewal stopped: %s", error.message)
                    return
                log.warning("lease renewal failed, trying again: %s", error)


class Trial:
    """A suggestion handed out by ``Experiment.loop``: read ``assignments``, then
    call ``report`` (or ``fail``) exactly once."""

    def __init__(
        self,
        experiment: "Experiment",
        suggestion: Dict[str, Any],
        on_done: Callable[["Trial"], None],
    ) -> None:
        self.experiment = experiment
        self.suggestion = suggestion
        self.observation: Optional[Dict[str, Any]] = None
        self._on_done = on_done
        self._lock = threading.Lock()
        self._lease: Optional[LeaseKeeper] = None
        lease_seconds = experiment.lease_seconds
        if lease_seconds and suggestion.get("lease_expires") is not None:
            self._lease = LeaseKeeper(self._renew, lease_seconds)

    @property
    def id(self) -> str:
        return str(self.suggestion["id"])

    @property
    def assignments(self) -> Dict[str, Any]:
        return dict(self.suggestion["assignments"])

    @property
    def done(self) -> bool:
        return self.observation is not None

    @property
    def lease_renewals(self) -> int:
        return self._lease.renewals if self._lease else 0

    def report(
        self,
        value: Optional[float] = None,
        values: Values = None,
        value_stddev: Optional[float] = None,
        metadata: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Reports the result: ``value`` for one metric, or ``values`` (a dict from
        metric name to value, or a list of ``{"name", "value", "value_stddev"}``)."""
        return self._observe(
            {"value": value, "values": values, "value_stddev": value_stddev, "metadata": metadata}
        )

    def fail(self, metadata: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Reports that this point could not be evaluated (a failed observation)."""
        return self._observe({"failed": True, "metadata": metadata})

    def _observe(self, fields: Dict[str, Any]) -> Dict[str, Any]:
        with self._lock:
            if self.observation is not None:
                raise RuntimeError(f"trial {self.id} was already reported")
            client = self.experiment.client
            observation = client.create_observation(
                self.experiment.id, suggestion=self.id, **fields
            )
            self.observation = observation
        self.close()
        self._on_done(self)
        return observation

    def close(self) -> None:
        """Stops renewing the lease (done by report and fail)."""
        if self._lease is not None:
            self._lease.stop()

    def _renew(self) -> Any:
        return self.experiment.client.renew_lease(self.experiment.id, self.id)

    def __repr__(self) -> str:
        return f"Trial(id={self.id!r}, assignments={self.assignments!r})"

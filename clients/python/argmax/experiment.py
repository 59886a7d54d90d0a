"""An experiment handle and the worker loops: ``loop()`` and ``run(fn, workers=n)``."""

import logging
import numbers
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Mapping, Optional

from .errors import ApiError
from .trial import Trial

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client

log = logging.getLogger("argmax")

#: Metadata values may hold at most this many characters.
METADATA_VALUE_LIMIT = 500


@dataclass
class RunSummary:
    """What ``Experiment.run`` did: trials reported, how many as failed, and the
    exceptions the callback raised (in the order they happened)."""

    reported: int = 0
    failed: int = 0
    errors: List[Exception] = field(default_factory=list)


class Budget:
    """Hands out trials to the workers of one loop until the budget is used.

    A trial is reserved before its suggestion is asked for, and counted until
    it is reported, so workers in one process never ask for more suggestions
    than the observation budget leaves. Workers in other processes are not
    counted: together they may overshoot by one trial each.
    """

    def __init__(self, experiment: "Experiment", max_trials: Optional[int]) -> None:
        self.experiment = experiment
        self.max_trials = max_trials
        self.started = 0
        self.in_flight = 0
        self.stopped = False
        self._lock = threading.Lock()

    def next_trial(self) -> Optional[Trial]:
        if not self._reserve():
            return None
        try:
            suggestion = self.experiment.client.create_suggestion(self.experiment.id)
        except BaseException:
            self._release()
            raise
        return Trial(self.experiment, suggestion, on_done=lambda _trial: self._release())

    def stop(self) -> None:
        with self._lock:
            self.stopped = True

    def _reserve(self) -> bool:
        with self._lock:
            if self.stopped:
                return False
            if self.max_trials is not None and self.started >= self.max_trials:
                return False
            experiment = self.experiment.refresh()
            if experiment.state != "active":
                return False
            budget = experiment.observation_budget
            if budget is not None and experiment.budget_used + self.in_flight >= budget:
                return False
            self.started += 1
            self.in_flight += 1
            return True

    def _release(self) -> None:
        with self._lock:
            self.in_flight -= 1


class Experiment:
    """An experiment on the server; ``data`` is its JSON as last fetched."""

    def __init__(self, client: "Client", data: Dict[str, Any]) -> None:
        self.client = client
        self.data = data

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def state(self) -> str:
        return str(self.data.get("state", "active"))

    @property
    def observation_budget(self) -> Optional[int]:
        return self.data.get("observation_budget")

    @property
    def lease_seconds(self) -> Optional[int]:
        return self.data.get("suggestion_lease_seconds")

    @property
    def budget_used(self) -> float:
        progress = self.data.get("progress") or {}
        used = progress.get("observation_budget_consumed")
        return used if used is not None else progress.get("observation_count", 0)

    def refresh(self) -> "Experiment":
        self.data = self.client.fetch_experiment(self.id)
        return self

    def best_assignments(self) -> List[Dict[str, Any]]:
        return self.client.best_assignments(self.id)

    def loop(self, max_trials: Optional[int] = None) -> Iterator[Trial]:
        """Trials until the observation budget is used (or ``max_trials`` were started).

        Report each trial before asking for the next; one left unreported is
        reported as failed when the next is asked for. Leaving the loop early
        (break, an exception) leaves the current trial's suggestion open: with
        leases it expires and is offered again.
        """
        return trials(Budget(self, max_trials))

    def run(
        self,
        fn: Callable[[Dict[str, Any]], Any],
        workers: int = 1,
        max_trials: Optional[int] = None,
    ) -> RunSummary:
        """Calls ``fn(assignments)`` in ``workers`` threads until the budget is used.

        ``fn`` returns the value (a number), or the values of several metrics (a
        dict from name to value, or a list of ``{"name", "value", ...}``). When it
        raises, the trial is reported as failed with the error in its metadata,
        and the worker goes on. An error of the client itself (the server cannot
        be reached after all retries) stops every worker and is raised here.
        """
        budget = Budget(self, max_trials)
        summary = RunSummary()
        fatal: List[BaseException] = []
        lock = threading.Lock()

        def work() -> None:
            try:
                for trial in trials(budget):
                    evaluate(trial, fn, summary, lock)
            except Exception as error:  # noqa: BLE001  (handed to the caller below)
                with lock:
                    fatal.append(error)
                budget.stop()

        threads = [
            threading.Thread(target=work, name=f"argmax-worker-{n + 1}", daemon=True)
            for n in range(max(1, workers))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if fatal:
            raise fatal[0]
        return summary

    def __repr__(self) -> str:
        return f"Experiment(id={self.id!r}, name={self.name!r})"


def trials(budget: Budget) -> Iterator[Trial]:
    current: Optional[Trial] = None
    try:
        while True:
            if current is not None and not current.done:
                current.fail(metadata={"error": "not reported before the next trial"})
            current = budget.next_trial()
            if current is None:
                return
            yield current
    finally:
        if current is not None and not current.done:
            current.close()


def evaluate(
    trial: Trial, fn: Callable[[Dict[str, Any]], Any], summary: RunSummary, lock: Any
) -> None:
    try:
        result = fn(trial.assignments)
        report_result(trial, result)
    except ApiError as error:
        if error.status is None or error.status >= 500 or trial.done:
            raise
        # The server refused the result (a value of the wrong shape): keep the point as failed.
        fail(trial, error, summary, lock)
        return
    except Exception as error:  # noqa: BLE001  (the callback's failure is the trial's result)
        fail(trial, error, summary, lock)
        return
    with lock:
        summary.reported += 1


def fail(trial: Trial, error: Exception, summary: RunSummary, lock: Any) -> None:
    log.warning("trial %s failed: %r", trial.id, error, exc_info=error)
    text = f"{type(error).__name__}: {error}"[:METADATA_VALUE_LIMIT]
    if not trial.done:
        trial.fail(metadata={"error": text})
    with lock:
        summary.reported += 1
        summary.failed += 1
        summary.errors.append(error)


def report_result(trial: Trial, result: Any) -> None:
    if isinstance(result, bool) or result is None:
        raise TypeError(f"the callback returned {result!r}; return a number or metric values")
    if isinstance(result, numbers.Real):
        trial.report(float(result))
    elif isinstance(result, (Mapping, list, tuple)):
        trial.report(values=result)
    else:
        raise TypeError(f"the callback returned {result!r}; return a number or metric values")

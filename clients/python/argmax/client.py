"""The client: one method per API route a worker or a controller needs."""

import hashlib
import json
import os
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from .errors import ApiError
from .experiment import Experiment
from .transport import RetryPolicy, Transport

#: An object id as the server gives it (a string of digits), an int, the object
#: itself (a dict), or for experiments an Experiment handle.
Ref = Union[str, int, Mapping[str, Any], Experiment]
Json = Dict[str, Any]

DEFAULT_URL = "http://127.0.0.1:8080"


def ref(value: Ref) -> str:
    if isinstance(value, Mapping):
        return str(value["id"])
    if isinstance(value, Experiment):
        return value.id
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"expected an id or an object with an id, got {value!r}")
    return str(value)


def values_body(
    value: Optional[float] = None,
    values: Union[None, Mapping[str, float], Sequence[Mapping[str, Any]]] = None,
    value_stddev: Optional[float] = None,
) -> Json:
    """The value fields of an observation: `value` (one metric) or `values` (by name)."""
    if value is not None and values is not None:
        raise ValueError("give either value or values, not both")
    if value is not None:
        body: Json = {"value": value}
        if value_stddev is not None:
            body["value_stddev"] = value_stddev
        return body
    if values is None:
        raise ValueError("a result needs a value or values; use failed=True for a failed trial")
    if value_stddev is not None:
        raise ValueError("value_stddev goes with value; with values give it per metric")
    if isinstance(values, Mapping):
        return {"values": [{"name": name, "value": v} for name, v in values.items()]}
    return {"values": [dict(entry) for entry in values]}


def without_none(fields: Mapping[str, Any]) -> Json:
    return {name: value for name, value in fields.items() if value is not None}


class Client:
    """Connects to an argmax server.

    ``url`` is the server's address (``http://host:8080``; a trailing ``/v1`` is
    accepted), ``token`` an API token. They default to the ARGMAX_URL and
    ARGMAX_TOKEN environment variables. Every method returns the server's JSON
    objects as plain dicts, exactly as openapi/openapi.json describes them; lists
    are read page by page and returned whole. Errors raise ``ApiError``.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: float = 60.0,
        retry: Optional[RetryPolicy] = None,
    ) -> None:
        url = url or os.environ.get("ARGMAX_URL") or DEFAULT_URL
        token = token or os.environ.get("ARGMAX_TOKEN")
        if not token:
            raise ValueError("an API token is needed: pass token= or set ARGMAX_TOKEN")
        self.transport = Transport(url, token, timeout=timeout, retry=retry)

    def request(self, method: str, path: str, **options: Any) -> Any:
        """Any route: ``client.request("GET", "/tokens/self")``."""
        return self.transport.request(method, path, **options)

    def _pages(self, path: str, query: Mapping[str, Any]) -> Iterator[Json]:
        # Newest first; `before` walks to older pages until the marker is null.
        params = dict(query)
        while True:
            page = self.transport.request("GET", path, query=params)
            yield from page["data"]
            marker = page["paging"]["before"]
            if marker is None:
                return
            params["before"] = marker

    # Experiments

    def create_experiment(self, **fields: Any) -> Json:
        """POST /experiments with the fields of the wire contract (name, parameters, ...)."""
        return self.transport.request("POST", "/experiments", body=fields)

    def fetch_experiment(self, experiment: Ref) -> Json:
        return self.transport.request("GET", "/experiments/" + ref(experiment))

    def list_experiments(
        self, state: Optional[str] = None, search: Optional[str] = None, limit: Optional[int] = None
    ) -> List[Json]:
        """Experiments newest first; ``state`` is active (default), deleted or all."""
        query = {"state": state, "search": search, "limit": limit}
        return list(self._pages("/experiments", query))

    def update_experiment(self, experiment: Ref, **fields: Any) -> Json:
        """PUT: changes only the fields given (name, metadata, observation_budget, ...)."""
        return self.transport.request("PUT", "/experiments/" + ref(experiment), body=fields)

    def delete_experiment(self, experiment: Ref) -> None:
        self.transport.request("DELETE", "/experiments/" + ref(experiment))

    def create_or_resume(self, name: str, **fields: Any) -> Experiment:
        """The active experiment called ``name``, or a new one made from ``fields``.

        An experiment that exists is used as it is (its space is not compared).
        Workers that start at the same moment all get the same new experiment: the
        creation carries an Idempotency-Key derived from the request, so the server
        answers the later ones with the first one's experiment.
        """
        found = self._find_active(name)
        if found is not None:
            return Experiment(self, found)
        body = dict(fields, name=name)
        created = self.transport.request(
            "POST", "/experiments", body=body, idempotency_key=creation_key(body)
        )
        current = self._still_matching(created, name)
        if current is None:
            # A replay of an experiment deleted or renamed since: make a fresh one.
            return Experiment(self, self.transport.request("POST", "/experiments", body=body))
        return Experiment(self, current)

    def _find_active(self, name: str) -> Optional[Json]:
        for experiment in self._pages("/experiments", {"state": "active", "search": name}):
            if experiment["name"] == name:
                return experiment
        return None

    def _still_matching(self, experiment: Json, name: str) -> Optional[Json]:
        """The experiment as it is now, if it is still active and called ``name``."""
        try:
            current = self.fetch_experiment(experiment)
        except ApiError as error:
            if error.status == 404:
                return None
            raise
        if current["state"] != "active" or current["name"] != name:
            return None
        return current

    def experiment(self, experiment: Ref) -> Experiment:
        """A handle on an experiment, for the loop helpers."""
        data = experiment if isinstance(experiment, Mapping) else self.fetch_experiment(experiment)
        return Experiment(self, dict(data))

    # Suggestions

    def create_suggestion(
        self,
        experiment: Ref,
        assignments: Optional[Mapping[str, Any]] = None,
        metadata: Optional[Mapping[str, Any]] = None,
    ) -> Json:
        """The optimizer's next point, or, with ``assignments``, a point of your own."""
        body = without_none({"assignments": assignments, "metadata": metadata})
        return self.transport.request("POST", _suggestions(experiment), body=body)

    def fetch_suggestion(self, experiment: Ref, suggestion: Ref) -> Json:
        return self.transport.request("GET", _suggestions(experiment, suggestion))

    def list_suggestions(
        self,
        experiment: Ref,
        state: Optional[str] = None,
        ids: Optional[Sequence[Ref]] = None,
        limit: Optional[int] = None,
    ) -> List[Json]:
        """Suggestions newest first; ``state`` is open, closed or all."""
        query = {"state": state, "limit": limit, "id": [ref(i) for i in ids] if ids else None}
        return list(self._pages(_suggestions(experiment), query))

    def update_suggestion(
        self, experiment: Ref, suggestion: Ref, metadata: Optional[Mapping[str, Any]]
    ) -> Json:
        path = _suggestions(experiment, suggestion)
        return self.transport.request("PUT", path, body={"metadata": metadata})

    def delete_suggestion(self, experiment: Ref, suggestion: Ref) -> None:
        self.transport.request("DELETE", _suggestions(experiment, suggestion))

    def delete_suggestions(self, experiment: Ref, state: Optional[str] = None) -> None:
        """Deletes every suggestion, or with ``state="open"`` the open ones."""
        self.transport.request("DELETE", _suggestions(experiment), query={"state": state})

    def renew_lease(self, experiment: Ref, suggestion: Ref, seconds: Optional[int] = None) -> Json:
        """Extends an open suggestion's lease (the experiment's length by default)."""
        path = _suggestions(experiment, suggestion) + "/lease"
        return self.transport.request("POST", path, body=without_none({"seconds": seconds}))

    # Queued suggestions

    def create_queued_suggestion(
        self,
        experiment: Ref,
        assignments: Mapping[str, Any],
        metadata: Optional[Mapping[str, Any]] = None,
    ) -> Json:
        body = without_none({"assignments": assignments, "metadata": metadata})
        return self.transport.request("POST", _queued(experiment), body=body)

    def list_queued_suggestions(self, experiment: Ref) -> List[Json]:
        return list(self._pages(_queued(experiment), {}))

    def fetch_queued_suggestion(self, experiment: Ref, queued: Ref) -> Json:
        return self.transport.request("GET", _queued(experiment, queued))

    def delete_queued_suggestion(self, experiment: Ref, queued: Ref) -> None:
        self.transport.request("DELETE", _queued(experiment, queued))

    # Observations

    def create_observation(
        self,
        experiment: Ref,
        suggestion: Optional[Ref] = None,
        assignments: Optional[Mapping[str, Any]] = None,
        value: Optional[float] = None,
        values: Union[None, Mapping[str, float], Sequence[Mapping[str, Any]]] = None,
        value_stddev: Optional[float] = None,
        failed: bool = False,
        metadata: Optional[Mapping[str, Any]] = None,
        no_optimize: Optional[bool] = None,
    ) -> Json:
        """Reports a result for a suggestion (or for ``assignments`` of your own).

        ``values`` is a list of ``{"name", "value", "value_stddev"}`` or a dict
        from metric name to value; ``value`` is the one-metric short form.
        """
        body = observation_body(
            suggestion=suggestion,
            assignments=assignments,
            value=value,
            values=values,
            value_stddev=value_stddev,
            failed=failed,
            metadata=metadata,
        )
        if no_optimize is not None:
            body["no_optimize"] = no_optimize
        return self.transport.request("POST", _observations(experiment), body=body)

    def create_observations(
        self, experiment: Ref, observations: Sequence[Mapping[str, Any]]
    ) -> List[Json]:
        """Up to 2500 observations (wire-format dicts) at once, all or nothing."""
        path = _observations(experiment) + "/batch"
        page = self.transport.request("POST", path, body={"observations": list(observations)})
        return list(page["data"])

    def fetch_observation(self, experiment: Ref, observation: Ref) -> Json:
        return self.transport.request("GET", _observations(experiment, observation))

    def list_observations(self, experiment: Ref, limit: Optional[int] = None) -> List[Json]:
        return list(self._pages(_observations(experiment), {"limit": limit}))

    def update_observation(self, experiment: Ref, observation: Ref, **fields: Any) -> Json:
        path = _observations(experiment, observation)
        return self.transport.request("PUT", path, body=fields)

    def delete_observation(self, experiment: Ref, observation: Ref) -> None:
        self.transport.request("DELETE", _observations(experiment, observation))

    def delete_observations(self, experiment: Ref) -> None:
        self.transport.request("DELETE", _observations(experiment))

    def best_assignments(self, experiment: Ref) -> List[Json]:
        """The best observation, or the Pareto front for two optimized metrics."""
        return list(self._pages(f"/experiments/{ref(experiment)}/best_assignments", {}))

    # Tokens

    def fetch_token(self) -> Json:
        """The calling token (its value is not shown)."""
        return self.transport.request("GET", "/tokens/self")


def observation_body(
    suggestion: Optional[Ref],
    assignments: Optional[Mapping[str, Any]],
    value: Optional[float],
    values: Union[None, Mapping[str, float], Sequence[Mapping[str, Any]]],
    value_stddev: Optional[float],
    failed: bool,
    metadata: Optional[Mapping[str, Any]],
) -> Json:
    if (suggestion is None) == (assignments is None):
        raise ValueError("give exactly one of suggestion or assignments")
    body: Json = {}
    if suggestion is not None:
        body["suggestion"] = ref(suggestion)
    else:
        body["assignments"] = dict(assignments or {})
    if failed:
        if value is not None or values is not None:
            raise ValueError("a failed observation has no values")
        body["failed"] = True
    else:
        body.update(values_body(value, values, value_stddev))
    if metadata is not None:
        body["metadata"] = dict(metadata)
    return body


def creation_key(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return "argmax-create-or-resume-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _suggestions(experiment: Ref, suggestion: Optional[Ref] = None) -> str:
    path = f"/experiments/{ref(experiment)}/suggestions"
    return path if suggestion is None else path + "/" + ref(suggestion)


def _queued(experiment: Ref, queued: Optional[Ref] = None) -> str:
    path = f"/experiments/{ref(experiment)}/queued_suggestions"
    return path if queued is None else path + "/" + ref(queued)


def _observations(experiment: Ref, observation: Optional[Ref] = None) -> str:
    path = f"/experiments/{ref(experiment)}/observations"
    return path if observation is None else path + "/" + ref(observation)

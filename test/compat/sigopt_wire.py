#!/usr/bin/env python3
"""Speaks to an argmax server exactly as SigOpt's Python client (`sigopt` 8.x) does.

Usage: python3 test/compat/sigopt_wire.py <server url> <api token> [--verbose]

The real client cannot be installed everywhere this runs, so this script
reproduces its traffic with the standard library alone:

- URLs are the API URL, then `v1`, then the path parts, joined with `/`.
- Every request carries `Authorization: Basic base64(<token>:)`,
  `Content-Type: application/json` (GET and DELETE too),
  `User-Agent: sigopt-python/<version>` and `X-SigOpt-Python-Version`,
  plus the `Accept`, `Accept-Encoding` and `Connection` headers that the
  `requests` library adds.
- GET and DELETE send their arguments in the query string: None is left out,
  lists and dicts are written as compact JSON, everything else with Python's
  str(), so booleans arrive as `True` and `False`. A DELETE carries
  `Content-Length: 0` and no body.
- POST and PUT send the arguments as a JSON body, `{}` when there are none.
- 429 is retried with exponential backoff; any other status outside 2xx is an
  error whose text is the body's top-level `message`; 204 has no body; a body
  that is not JSON becomes `{"message": <text>}`.
- Answers are read field by field with the client's conversions (str() for
  ids and names, int() for timestamps, float() for numbers, dict() for
  assignments and metadata, lists for lists); `iterate_pages()` repeats the
  request with `before=<paging.before>` until that marker is null or a page
  is empty.

Each check that holds counts as passed. The first mismatch is printed with the
request that caused it and ends the script with exit status 1.
"""

import argparse
import base64
import gzip
import json
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

CLIENT_VERSION = "8.8.3"
REQUEST_TIMEOUT_S = 150
RETRY_LIMIT_S = 30


class Mismatch(Exception):
    """The server answered something SigOpt's client would not accept."""


class ApiError(Exception):
    """A non-2xx answer, carried the way the client's ApiException carries it."""

    def __init__(self, status, body, request):
        self.status = status
        self.body = body
        self.request = request
        self.message = body.get("message") if isinstance(body, dict) else None
        super().__init__(f"ApiException ({status}): {self.message}")


class Wire:
    """The client's transport: URL building, headers, encoding, retries, errors."""

    def __init__(self, api_url, token, verbose=False):
        self.api_url = api_url
        self.token = token
        self.verbose = verbose
        self.last_request = ""

    def headers(self):
        credentials = base64.b64encode(f"{self.token}:".encode("latin-1")).decode("ascii")
        return {
            "User-Agent": f"sigopt-python/{CLIENT_VERSION}",
            "Accept-Encoding": "gzip, deflate",
            "Accept": "*/*",
            "Connection": "keep-alive",
            "Content-Type": "application/json",
            "X-SigOpt-Python-Version": CLIENT_VERSION,
            "Authorization": f"Basic {credentials}",
        }

    @staticmethod
    def query_value(value):
        if isinstance(value, (dict, list)):
            return json.dumps(value, indent=None, separators=(",", ":"))
        return str(value)

    def build(self, method, path, data):
        url = "/".join(str(part) for part in (self.api_url, "v1", *path))
        data = data or {}
        if method in ("GET", "DELETE"):
            params = {k: self.query_value(v) for k, v in data.items() if v is not None}
            if params:
                url = f"{url}?{urllib.parse.urlencode(params)}"
            # `requests` gives a body-less DELETE a Content-Length of 0, a GET none.
            return url, (b"" if method == "DELETE" else None)
        return url, json.dumps(data, allow_nan=False).encode("utf-8")

    def send_once(self, method, url, body):
        request = urllib.request.Request(url, data=body, method=method, headers=self.headers())
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def request(self, method, path, data=None):
        url, body = self.build(method, path, data)
        self.last_request = f"{method} {url}" + (f" {body.decode()}" if body else "")
        if self.verbose:
            print(f"> {self.last_request}", file=sys.stderr)

        started, attempt = time.monotonic(), 0
        while True:
            status, headers, raw = self.send_once(method, url, body)
            if status != 429 or time.monotonic() - started > RETRY_LIMIT_S:
                break
            # Exponential backoff with full jitter, as the client's retry does.
            time.sleep(random.uniform(0, min(2**attempt, 8)))
            attempt += 1

        text = decode(headers.get("Content-Encoding"), raw)
        if self.verbose:
            print(f"< {status} {text[:300]}", file=sys.stderr)
        if status == 204:
            parsed = None
        else:
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = {"message": text}
        if 200 <= status <= 299:
            return parsed
        raise ApiError(status, parsed, self.last_request)


def decode(encoding, raw):
    if encoding == "gzip":
        raw = gzip.decompress(raw)
    elif encoding == "deflate":
        raw = zlib.decompress(raw)
    return raw.decode("utf-8")


# The client's field conversions, one per kind of field.


def as_str(value):
    return None if value is None else str(value)


def as_int(value):
    return None if value is None else int(value)


def as_float(value):
    return None if value is None else float(value)


def as_bool(value):
    return None if value is None else bool(value)


def as_dict(value):
    return None if value is None else dict(value)


def list_of(convert):
    return lambda value: None if value is None else [convert(item) for item in value]


def nested(fields):
    return lambda value: None if value is None else read(value, fields)


def read(body, fields):
    """Reads every declared field the way the client's Field descriptors do."""
    if not isinstance(body, dict):
        raise Mismatch(f"expected a JSON object, got {json.dumps(body)[:200]}")
    return {name: convert(body.get(name)) for name, convert in fields.items()}


BOUNDS = {"min": as_float, "max": as_float}
CATEGORICAL_VALUE = {"enum_index": as_int, "name": as_str}
PRIOR = {"name": as_str, "mean": as_float, "scale": as_float, "shape_a": as_float}
PARAMETER = {
    "bounds": nested(BOUNDS),
    "categorical_values": list_of(nested(CATEGORICAL_VALUE)),
    "conditions": as_dict,
    "default_value": lambda value: value,
    "grid": list_of(as_float),
    "name": as_str,
    "precision": as_int,
    "prior": nested(PRIOR),
    "transformation": as_str,
    "type": as_str,
}
METRIC = {"name": as_str, "objective": as_str, "strategy": as_str, "threshold": as_float}
METRIC_EVALUATION = {"name": as_str, "value": as_float, "value_stddev": as_float}
TASK = {"cost": as_float, "name": as_str}
OBSERVATION = {
    "assignments": as_dict,
    "created": as_int,
    "experiment": as_str,
    "failed": as_bool,
    "id": as_str,
    "metadata": as_dict,
    "suggestion": as_str,
    "task": nested(TASK),
    "value": as_float,
    "value_stddev": as_float,
    "values": list_of(nested(METRIC_EVALUATION)),
}
PROGRESS = {
    "best_observation": nested(OBSERVATION),
    "first_observation": nested(OBSERVATION),
    "last_observation": nested(OBSERVATION),
    "observation_count": as_int,
    "observation_budget_consumed": as_float,
}
EXPERIMENT = {
    "client": as_str,
    "conditionals": list_of(as_dict),
    "created": as_int,
    "development": as_bool,
    "id": as_str,
    "linear_constraints": list_of(as_dict),
    "metadata": as_dict,
    "metrics": list_of(nested(METRIC)),
    "name": as_str,
    "num_solutions": as_int,
    "observation_budget": as_int,
    "parameters": list_of(nested(PARAMETER)),
    "parallel_bandwidth": as_int,
    "progress": nested(PROGRESS),
    "project": as_str,
    "state": as_str,
    "tasks": list_of(nested(TASK)),
    "type": as_str,
    "updated": as_int,
}
SUGGESTION = {
    "assignments": as_dict,
    "created": as_int,
    "experiment": as_str,
    "id": as_str,
    "metadata": as_dict,
    "state": as_str,
    "task": nested(TASK),
}
QUEUED_SUGGESTION = {
    "assignments": as_dict,
    "created": as_int,
    "experiment": as_str,
    "id": as_str,
    "task": nested(TASK),
}
BEST_ASSIGNMENTS = {
    "assignments": as_dict,
    "id": as_str,
    "value": as_float,
    "value_stddev": as_float,
    "values": list_of(nested(METRIC_EVALUATION)),
}
TOKEN = {
    "client": as_str,
    "development": as_bool,
    "experiment": as_str,
    "expires": as_int,
    "permissions": as_str,
    "token": as_str,
    "user": as_str,
}
CLIENT = {"created": as_int, "id": as_str, "name": as_str}
PAGING = {"before": as_str, "after": as_str}


class Suite:
    """The checks, in the order a SigOpt user's code would make these calls."""

    def __init__(self, wire):
        self.wire = wire
        self.passed = 0
        self.current = ""

    # Bookkeeping.

    def check(self, condition, detail):
        if not condition:
            raise Mismatch(detail)

    def done(self, name):
        self.passed += 1
        if self.wire.verbose:
            print(f"ok {self.passed} {name}", file=sys.stderr)

    def call(self, method, path, data=None):
        try:
            return self.wire.request(method, path, data)
        except ApiError as error:
            raise Mismatch(f"expected success, got {error.status}: {error.message}") from error

    # Object readers: the client's parse plus the contract's stricter rules.

    def expect_object(self, body, kind, fields):
        self.check(isinstance(body, dict), f"expected a {kind} object, got {body!r}")
        self.check(body.get("object") == kind, f"`object` is {body.get('object')!r}, not {kind!r}")
        parsed = read(body, fields)
        for key in ("id", "experiment", "client", "suggestion"):
            value = body.get(key)
            if key in fields and value is not None:
                self.check(
                    isinstance(value, str) and value.isdigit(),
                    f"`{key}` {value!r} is not a string id",
                )
        for key in ("created", "updated", "expires"):
            value = body.get(key)
            if key in fields and value is not None:
                self.check(type(value) is int, f"`{key}` {value!r} is not integer seconds")
        return parsed

    def expect_page(self, body, kind, fields):
        page = self.expect_object(body, "pagination", {"count": as_int, "paging": nested(PAGING)})
        self.check(isinstance(body.get("data"), list), "`data` of a pagination is not a list")
        self.check(
            isinstance(body.get("paging"), dict), "`paging` of a pagination is not an object"
        )
        page["data"] = [self.expect_object(item, kind, fields) for item in body["data"]]
        return page

    def iterate_pages(self, path, params, kind, fields):
        """The client's Pagination.iterate_pages(), yielding (items, requests made)."""
        first = self.expect_page(self.call("GET", path, params), kind, fields)
        items, data, paging, requests = [], first["data"], first["paging"] or {}, 1
        while data:
            items.extend(data)
            before = paging.get("before")
            if before is None:
                break
            self.check(requests < 100, "paging.before never became null")
            follow = dict(params, before=before)
            follow.pop("after", None)
            page = self.expect_page(self.call("GET", path, follow), kind, fields)
            data, paging, requests = page["data"], page["paging"] or {}, requests + 1
        return first, items, requests

    def expect_error(self, method, path, data, status, *words):
        try:
            self.wire.request(method, path, data)
        except ApiError as error:
            allowed = status if isinstance(status, tuple) else (status,)
            self.check(
                error.status in allowed, f"expected {status}, got {error.status}: {error.message}"
            )
            self.check(
                isinstance(error.message, str) and error.message.strip(),
                f"no readable `message` in {error.body!r}",
            )
            for word in words:
                self.check(
                    word in error.message, f"the message {error.message!r} does not name {word!r}"
                )
            return error.message
        raise Mismatch(f"expected {status}, the request succeeded")

    # The scenarios.

    def run(self):
        steps = [
            self.token_and_client,
            self.create_experiment,
            self.optimization_loop,
            self.best_assignments,
            self.observation_paging,
            self.open_suggestions,
            self.suggestion_id_lists,
            self.queued_suggestions,
            self.batch_observations,
            self.legacy_value_form,
            self.query_booleans,
            self.update_and_list,
            self.broken_requests,
            self.delete_experiment,
        ]
        for step in steps:
            self.current = step.__name__
            step()

    def token_and_client(self):
        token = self.expect_object(self.call("GET", ["tokens", "self"]), "token", TOKEN)
        self.check(token["client"], "the token names no client")
        self.client_id = token["client"]
        self.done("conn.tokens('self').fetch()")

        client = self.expect_object(self.call("GET", ["clients", self.client_id]), "client", CLIENT)
        self.check(
            client["id"] == self.client_id, f"clients({self.client_id}) answered id {client['id']}"
        )
        self.check(client["name"], "the client has no name")
        self.done("conn.clients(id).fetch()")

    def create_experiment(self):
        body = {
            "name": "sigopt wire check",
            "parameters": [
                {
                    "name": "learning_rate",
                    "type": "double",
                    "bounds": {"min": 1e-4, "max": 1.0},
                    "transformation": "log",
                },
                {"name": "depth", "type": "int", "bounds": {"min": 2, "max": 12}},
                {
                    "name": "optimizer",
                    "type": "categorical",
                    "categorical_values": ["adam", "sgd", "rmsprop"],
                },
            ],
            "metrics": [{"name": "accuracy", "objective": "maximize"}],
            "observation_budget": 40,
            "parallel_bandwidth": 3,
            "metadata": {"owner": "wire-check", "fold": 2},
        }
        experiment = self.expect_object(
            self.call("POST", ["experiments"], body), "experiment", EXPERIMENT
        )
        self.experiment_id = experiment["id"]
        self.parameters = {p["name"]: p for p in experiment["parameters"]}
        self.check(experiment["name"] == body["name"], f"name came back as {experiment['name']!r}")
        self.check(experiment["state"] == "active", f"a new experiment is {experiment['state']!r}")
        self.check(
            set(self.parameters) == {"learning_rate", "depth", "optimizer"},
            f"parameters are {sorted(self.parameters)}",
        )
        rate = self.parameters["learning_rate"]
        self.check(
            rate["bounds"] == {"min": 1e-4, "max": 1.0},
            f"learning_rate bounds are {rate['bounds']}",
        )
        self.check(
            rate["transformation"] == "log",
            f"learning_rate transformation is {rate['transformation']!r}",
        )
        categories = self.parameters["optimizer"]["categorical_values"]
        self.check(
            sorted((c["enum_index"], c["name"]) for c in categories)
            == [(1, "adam"), (2, "sgd"), (3, "rmsprop")],
            f"categorical_values are {categories}",
        )
        self.check(
            [m["name"] for m in experiment["metrics"]] == ["accuracy"],
            f"metrics are {experiment['metrics']}",
        )
        self.check(
            experiment["observation_budget"] == 40 and experiment["parallel_bandwidth"] == 3,
            "budget or bandwidth lost",
        )
        self.check(
            experiment["metadata"] == {"owner": "wire-check", "fold": 2},
            f"metadata is {experiment['metadata']}",
        )
        self.check(
            experiment["progress"] is not None and experiment["progress"]["observation_count"] == 0,
            "progress of a new experiment",
        )
        self.check(
            experiment["client"] == self.client_id, "the experiment belongs to another client"
        )
        self.done("conn.experiments().create(...)")

        fetched = self.expect_object(
            self.call("GET", ["experiments", self.experiment_id]), "experiment", EXPERIMENT
        )
        self.check(
            fetched["id"] == self.experiment_id,
            "experiments(id).fetch() answered another experiment",
        )
        self.done("conn.experiments(id).fetch()")

    def check_assignments(self, assignments):
        self.check(
            set(assignments) == set(self.parameters), f"assignments name {sorted(assignments)}"
        )
        rate, depth, optimizer = (
            assignments["learning_rate"],
            assignments["depth"],
            assignments["optimizer"],
        )
        self.check(
            isinstance(rate, (int, float)) and 1e-4 <= rate <= 1.0,
            f"learning_rate {rate!r} is out of bounds",
        )
        self.check(
            type(depth) is int and 2 <= depth <= 12, f"depth {depth!r} is not an int within bounds"
        )
        self.check(
            optimizer in ("adam", "sgd", "rmsprop"),
            f"optimizer {optimizer!r} is not a category name",
        )

    @staticmethod
    def accuracy(assignments):
        bonus = {"adam": 0.1, "sgd": 0.0, "rmsprop": 0.05}[assignments["optimizer"]]
        return (
            0.5
            + bonus
            - abs(assignments["depth"] - 7) / 50
            - abs(assignments["learning_rate"] - 0.01)
        )

    def optimization_loop(self):
        experiment_path = ["experiments", self.experiment_id]
        self.observed = {}
        for round_number in range(12):
            suggestion = self.expect_object(
                self.call("POST", [*experiment_path, "suggestions"]), "suggestion", SUGGESTION
            )
            self.check(
                suggestion["state"] == "open", f"a new suggestion is {suggestion['state']!r}"
            )
            self.check(
                suggestion["experiment"] == self.experiment_id,
                "the suggestion names another experiment",
            )
            self.check_assignments(suggestion["assignments"])
            if round_number == 0:
                self.done("experiments(id).suggestions().create()")

            value = self.accuracy(suggestion["assignments"])
            report = {
                "suggestion": suggestion["id"],
                "values": [{"name": "accuracy", "value": value, "value_stddev": 0.01}],
                "metadata": {"round": round_number},
            }
            if round_number == 5:
                # The legacy single-metric form on a named metric.
                report = {"suggestion": suggestion["id"], "value": value, "value_stddev": 0.01}
            observation = self.expect_object(
                self.call("POST", [*experiment_path, "observations"], report),
                "observation",
                OBSERVATION,
            )
            self.check(
                observation["suggestion"] == suggestion["id"], "the observation lost its suggestion"
            )
            self.check(observation["failed"] is False, "a reported value came back failed")
            self.check(
                observation["assignments"] == suggestion["assignments"],
                "the observation's assignments differ from its suggestion's",
            )
            evaluations = observation["values"] or []
            self.check(
                len(evaluations) == 1
                and evaluations[0]["name"] == "accuracy"
                and abs(evaluations[0]["value"] - value) < 1e-9,
                f"values came back as {evaluations}",
            )
            self.check(
                observation["value"] is not None and abs(observation["value"] - value) < 1e-9,
                "the legacy `value` field is missing",
            )
            self.observed[observation["id"]] = value
            if round_number == 0:
                self.done("experiments(id).observations().create(suggestion=..., values=[...])")
            if round_number == 5:
                self.done(
                    "observations().create(suggestion=..., value=..., value_stddev=...) on a named metric"
                )

            fetched = self.expect_object(
                self.call("GET", [*experiment_path, "suggestions", suggestion["id"]]),
                "suggestion",
                SUGGESTION,
            )
            self.check(
                fetched["state"] == "closed", f"an observed suggestion is {fetched['state']!r}"
            )
        self.done("suggestions(id).fetch() after its observation: closed")

        failed_suggestion = self.expect_object(
            self.call("POST", [*experiment_path, "suggestions"]), "suggestion", SUGGESTION
        )
        failed = self.expect_object(
            self.call(
                "POST",
                [*experiment_path, "observations"],
                {"suggestion": failed_suggestion["id"], "failed": True},
            ),
            "observation",
            OBSERVATION,
        )
        self.check(
            failed["failed"] is True and failed["values"] == [],
            f"a failed observation came back as {failed}",
        )
        self.failed_id = failed["id"]
        self.done("observations().create(suggestion=..., failed=True)")

        experiment = self.expect_object(self.call("GET", experiment_path), "experiment", EXPERIMENT)
        progress = experiment["progress"]
        self.check(
            progress["observation_count"] == 13,
            f"progress counts {progress['observation_count']} observations, not 13",
        )
        self.check(
            progress["last_observation"]["id"] == self.failed_id,
            "progress.last_observation is not the newest",
        )
        self.done("experiments(id).fetch().progress")

    def best_assignments(self):
        path = ["experiments", self.experiment_id, "best_assignments"]
        page = self.expect_page(self.call("GET", path), "best_assignments", BEST_ASSIGNMENTS)
        self.check(
            len(page["data"]) == 1,
            f"best_assignments has {len(page['data'])} entries for one metric",
        )
        best = page["data"][0]
        best_id = max(self.observed, key=self.observed.get)
        self.check(best["id"] == best_id, f"best is observation {best['id']}, expected {best_id}")
        self.check_assignments(best["assignments"])
        values = best["values"] or []
        self.check(
            values and abs(values[0]["value"] - self.observed[best_id]) < 1e-9,
            f"best values are {values}",
        )
        self.done("experiments(id).best_assignments().fetch()")

    def observation_paging(self):
        path = ["experiments", self.experiment_id, "observations"]
        first, items, requests = self.iterate_pages(path, {"limit": 5}, "observation", OBSERVATION)
        ids = [item["id"] for item in items]
        expected = set(self.observed) | {self.failed_id}
        self.check(
            first["count"] == len(expected),
            f"count is {first['count']}, expected the total {len(expected)}",
        )
        self.check(
            len(first["data"]) == 5, f"the first page holds {len(first['data'])} items, not limit=5"
        )
        self.check(requests == 3, f"13 observations at limit=5 took {requests} requests, not 3")
        self.check(len(ids) == len(set(ids)), "a page repeated an observation")
        self.check(set(ids) == expected, "pages did not cover every observation")
        self.check(ids == sorted(ids, key=int, reverse=True), "observations are not newest first")
        self.done("observations().fetch(limit=5).iterate_pages() follows paging.before")

        _, everything, requests = self.iterate_pages(path, {}, "observation", OBSERVATION)
        self.check(
            requests == 1 and len(everything) == len(expected),
            "an unlimited fetch did not fit one page",
        )
        self.done("observations().fetch().iterate_pages() with the default limit")

        single = self.expect_object(self.call("GET", [*path, ids[0]]), "observation", OBSERVATION)
        self.check(single["id"] == ids[0], "observations(id).fetch() answered another observation")
        self.done("observations(id).fetch()")

    def open_suggestions(self):
        path = ["experiments", self.experiment_id, "suggestions"]
        opened = [
            self.expect_object(self.call("POST", path), "suggestion", SUGGESTION) for _ in range(3)
        ]
        points = [json.dumps(s["assignments"], sort_keys=True) for s in opened]
        self.check(len(set(points)) == 3, "parallel open suggestions repeated a point")
        self.done("three open suggestions at once get different points")

        _, listed, _ = self.iterate_pages(path, {"state": "open"}, "suggestion", SUGGESTION)
        self.check(
            sorted(s["id"] for s in listed) == sorted(s["id"] for s in opened),
            f"state=open lists {[s['id'] for s in listed]}",
        )
        self.check(
            all(s["state"] == "open" for s in listed), "state=open listed a closed suggestion"
        )
        self.done("suggestions().fetch(state='open')")
        self.opened = opened

        answer = self.call("DELETE", path, {"state": "open"})
        self.check(answer is None or isinstance(answer, dict), f"DELETE answered {answer!r}")
        page = self.expect_page(self.call("GET", path, {"state": "open"}), "suggestion", SUGGESTION)
        self.check(
            page["count"] == 0 and page["data"] == [],
            f"{page['count']} suggestions still open after delete(state='open')",
        )
        everything = self.expect_page(self.call("GET", path), "suggestion", SUGGESTION)
        self.check(
            everything["count"] == 13,
            f"{everything['count']} suggestions remain, expected the 13 closed ones",
        )
        self.done("suggestions().delete(state='open') deletes only the open ones")

    def suggestion_id_lists(self):
        path = ["experiments", self.experiment_id, "suggestions"]
        everything = self.expect_page(self.call("GET", path), "suggestion", SUGGESTION)
        wanted = [s["id"] for s in everything["data"][:2]]

        # The client writes a list argument as compact JSON: id=["12","11"].
        page = self.expect_page(self.call("GET", path, {"id": wanted}), "suggestion", SUGGESTION)
        self.check(
            sorted(s["id"] for s in page["data"]) == sorted(wanted),
            f"id={wanted} listed {[s['id'] for s in page['data']]}",
        )
        self.done("suggestions().fetch(id=[...]) with the client's JSON list")

        page = self.expect_page(
            self.call("GET", path, {"id": ",".join(wanted)}), "suggestion", SUGGESTION
        )
        self.check(
            sorted(s["id"] for s in page["data"]) == sorted(wanted), "a comma-separated id list"
        )
        self.done("suggestions().fetch(id='a,b')")

    def queued_suggestions(self):
        path = ["experiments", self.experiment_id]
        chosen = {"learning_rate": 0.015, "depth": 8, "optimizer": "sgd"}
        queued = self.expect_object(
            self.call("POST", [*path, "queued_suggestions"], {"assignments": chosen}),
            "queued_suggestion",
            QUEUED_SUGGESTION,
        )
        self.check(
            queued["assignments"] == chosen,
            f"the queued point came back as {queued['assignments']}",
        )
        page = self.expect_page(
            self.call("GET", [*path, "queued_suggestions"]), "queued_suggestion", QUEUED_SUGGESTION
        )
        self.check(
            [q["id"] for q in page["data"]] == [queued["id"]],
            "queued_suggestions().fetch() does not list it",
        )
        self.done("queued_suggestions().create(assignments=...) and .fetch()")

        served = self.expect_object(
            self.call("POST", [*path, "suggestions"]), "suggestion", SUGGESTION
        )
        self.check(
            served["assignments"] == chosen,
            f"the next suggestion is {served['assignments']}, not the queued point",
        )
        self.call("DELETE", [*path, "suggestions", served["id"]])
        self.done("suggestions().create() serves the queued point first")

    def batch_observations(self):
        path = ["experiments", self.experiment_id, "observations", "batch"]
        batch = [
            {
                "assignments": {"learning_rate": 0.02, "depth": 6, "optimizer": "adam"},
                "values": [{"name": "accuracy", "value": 0.61}],
            },
            {
                "assignments": {"learning_rate": 0.3, "depth": 3, "optimizer": "sgd"},
                "values": [{"name": "accuracy", "value": 0.2, "value_stddev": 0.05}],
            },
            {
                "assignments": {"learning_rate": 0.001, "depth": 11, "optimizer": "rmsprop"},
                "failed": True,
                "metadata": {"reason": "oom"},
            },
        ]
        page = self.expect_page(
            self.call("POST", path, {"observations": batch}), "observation", OBSERVATION
        )
        self.check(
            page["count"] == 3 and len(page["data"]) == 3,
            f"the batch answered count {page['count']} with {len(page['data'])} items",
        )
        self.check(
            page["paging"] == {"before": None, "after": None},
            f"a batch answer has paging {page['paging']}",
        )
        self.check(
            sorted(o["failed"] for o in page["data"]) == [False, False, True],
            "failed flags were lost in the batch",
        )
        self.check(
            all(o["suggestion"] is None for o in page["data"]),
            "a batch observation claims a suggestion",
        )
        self.done("observations().create_batch(observations=[...])")

        self.expect_error(
            "POST",
            path,
            {"observations": [batch[0], {"assignments": batch[1]["assignments"]}]},
            400,
            "values",
        )
        after = self.expect_page(
            self.call("GET", ["experiments", self.experiment_id, "observations"], {"limit": 1}),
            "observation",
            OBSERVATION,
        )
        self.check(
            after["count"] == 16,
            f"a rejected batch left {after['count']} observations, expected 16",
        )
        self.done("a batch with one bad observation is rejected whole")

    def legacy_value_form(self):
        body = {
            "name": "legacy metric",
            "parameters": [{"name": "x", "type": "double", "bounds": {"min": -1, "max": 1}}],
        }
        experiment = self.expect_object(
            self.call("POST", ["experiments"], body), "experiment", EXPERIMENT
        )
        self.check(
            len(experiment["metrics"]) == 1,
            f"an experiment without metrics has {len(experiment['metrics'])}",
        )
        self.check(
            experiment["metrics"][0]["objective"] in (None, "maximize"),
            "the legacy metric does not maximize",
        )
        self.done("experiments().create(...) without metrics")

        path = ["experiments", experiment["id"]]
        suggestion = self.expect_object(
            self.call("POST", [*path, "suggestions"]), "suggestion", SUGGESTION
        )
        observation = self.expect_object(
            self.call(
                "POST",
                [*path, "observations"],
                {"suggestion": suggestion["id"], "value": 1.5, "value_stddev": 0.1},
            ),
            "observation",
            OBSERVATION,
        )
        self.check(
            observation["value"] == 1.5 and observation["value_stddev"] == 0.1,
            f"legacy value came back as {observation['value']}",
        )
        self.check(
            len(observation["values"]) == 1 and observation["values"][0]["value"] == 1.5,
            f"values are {observation['values']}",
        )
        self.done("observations().create(suggestion=..., value=1.5, value_stddev=0.1)")

        by_assignments = self.expect_object(
            self.call("POST", [*path, "observations"], {"assignments": {"x": 0.25}, "value": 2.5}),
            "observation",
            OBSERVATION,
        )
        self.check(
            by_assignments["suggestion"] is None and by_assignments["value"] == 2.5,
            "an observation by assignments",
        )
        best = self.expect_page(
            self.call("GET", [*path, "best_assignments"]), "best_assignments", BEST_ASSIGNMENTS
        )
        self.check(
            best["data"] and best["data"][0]["id"] == by_assignments["id"],
            "best_assignments of the legacy metric",
        )
        self.done("observations().create(assignments=..., value=...) and its best_assignments")
        self.legacy_id = experiment["id"]

    def query_booleans(self):
        path = ["experiments", self.legacy_id, "observations"]
        page = self.expect_page(self.call("GET", path), "observation", OBSERVATION)
        target = page["data"][0]["id"]
        # The client writes Python booleans with str(): no_optimize=True.
        self.call("DELETE", [*path, target], {"no_optimize": True})
        self.expect_error("GET", [*path, target], None, 404)
        self.done("observations(id).delete(no_optimize=True) sends True in the query")

        suggestion = self.expect_object(
            self.call("POST", ["experiments", self.legacy_id, "suggestions"]),
            "suggestion",
            SUGGESTION,
        )
        updated = self.expect_object(
            self.call(
                "PUT",
                ["experiments", self.legacy_id, "suggestions", suggestion["id"]],
                {"metadata": {"worker": "gpu-3"}},
            ),
            "suggestion",
            SUGGESTION,
        )
        self.check(
            updated["metadata"] == {"worker": "gpu-3"},
            f"suggestion metadata is {updated['metadata']}",
        )
        self.call("DELETE", ["experiments", self.legacy_id, "suggestions", suggestion["id"]])
        self.expect_error(
            "GET", ["experiments", self.legacy_id, "suggestions", suggestion["id"]], None, 404
        )
        self.done("suggestions(id).update(metadata=...) and suggestions(id).delete()")

    def update_and_list(self):
        path = ["experiments", self.experiment_id]
        updated = self.expect_object(
            self.call(
                "PUT",
                path,
                {
                    "name": "sigopt wire check, renamed",
                    "observation_budget": 50,
                    "no_optimize": True,
                },
            ),
            "experiment",
            EXPERIMENT,
        )
        self.check(
            updated["name"] == "sigopt wire check, renamed" and updated["observation_budget"] == 50,
            "the update was lost",
        )
        self.done("experiments(id).update(name=..., observation_budget=...)")

        found = self.expect_page(
            self.call("GET", ["experiments"], {"search": "renamed"}), "experiment", EXPERIMENT
        )
        self.check(
            [e["id"] for e in found["data"]] == [self.experiment_id],
            "experiments().fetch(search=...) misses the renamed experiment",
        )
        self.done("experiments().fetch(search=...)")

        _, listed, _ = self.iterate_pages(["experiments"], {"limit": 1}, "experiment", EXPERIMENT)
        ids = [e["id"] for e in listed]
        self.check(
            self.experiment_id in ids and self.legacy_id in ids,
            f"experiments().fetch() lists {ids}",
        )
        self.done("experiments().fetch(limit=1).iterate_pages()")

        created = self.expect_object(
            self.call(
                "POST",
                ["clients", self.client_id, "experiments"],
                {
                    "name": "through the client",
                    "parameters": [{"name": "a", "type": "int", "bounds": {"min": 0, "max": 3}}],
                },
            ),
            "experiment",
            EXPERIMENT,
        )
        page = self.expect_page(
            self.call("GET", ["clients", self.client_id, "experiments"]), "experiment", EXPERIMENT
        )
        self.check(
            created["id"] in [e["id"] for e in page["data"]],
            "clients(id).experiments().fetch() misses its experiment",
        )
        self.done("clients(id).experiments().create(...) and .fetch()")

    def broken_requests(self):
        experiments = ["experiments"]

        def space(parameter):
            return {"name": "broken", "parameters": [parameter]}

        self.expect_error(
            "POST",
            experiments,
            space({"name": "x", "type": "float", "bounds": {"min": 0, "max": 1}}),
            400,
            "type",
        )
        self.done("an unknown parameter type is 400 naming `type`")
        self.expect_error(
            "POST", experiments, space({"name": "x", "type": "double"}), 400, "bounds"
        )
        self.done("a double without bounds is 400 naming `bounds`")
        self.expect_error(
            "POST",
            experiments,
            space({"name": "x", "type": "double", "bounds": {"min": 1, "max": 0}}),
            400,
            "min",
        )
        self.done("bounds with min above max are 400 naming `min`")
        self.expect_error(
            "POST",
            experiments,
            {
                **space({"name": "x", "type": "int", "bounds": {"min": 0, "max": 3}}),
                "colour": "red",
            },
            400,
            "colour",
        )
        self.done("an unknown field is 400 naming it")

        observations = ["experiments", self.experiment_id, "observations"]
        point = {"learning_rate": 0.05, "depth": 4, "optimizer": "adam"}
        self.expect_error(
            "POST",
            observations,
            {"assignments": point, "values": [{"name": "loss", "value": 1.0}]},
            400,
            "loss",
        )
        self.done("a value for an unknown metric is 400 naming the metric")
        self.expect_error(
            "POST",
            observations,
            {
                "assignments": {"learning_rate": 0.05, "depth": 4},
                "values": [{"name": "accuracy", "value": 0.5}],
            },
            400,
            "optimizer",
        )
        self.done("assignments missing a parameter are 400 naming it")
        self.expect_error(
            "POST",
            observations,
            {
                "assignments": {**point, "optimizer": "lbfgs"},
                "values": [{"name": "accuracy", "value": 0.5}],
            },
            400,
            "optimizer",
        )
        self.done("an unknown category is 400 naming the parameter")
        self.expect_error(
            "POST",
            observations,
            {
                "assignments": {**point, "depth": 4.5},
                "values": [{"name": "accuracy", "value": 0.5}],
            },
            400,
            "depth",
        )
        self.done("a fractional int is 400 naming the parameter")
        self.expect_error("POST", observations, {"assignments": point}, 400, "values")
        self.done("an observation without values is 400 naming `values`")
        elsewhere = self.expect_object(
            self.call("POST", ["experiments", self.legacy_id, "suggestions"]),
            "suggestion",
            SUGGESTION,
        )
        self.expect_error(
            "POST",
            observations,
            {"suggestion": elsewhere["id"], "values": [{"name": "accuracy", "value": 0.5}]},
            (400, 404),
        )
        self.done("an observation citing another experiment's suggestion is 400 or 404")

        self.expect_error("GET", ["experiments", "999999999"], None, 404)
        self.done("an unknown experiment is 404 with a message")
        self.expect_error("GET", experiments, {"limit": 1001}, 400, "limit")
        self.done("limit above 1000 is 400 naming `limit`")

        real_token = self.wire.token
        self.wire.token = "not-a-real-token-0000000000"
        try:
            self.expect_error("GET", ["tokens", "self"], None, 401)
        finally:
            self.wire.token = real_token
        self.done("an unknown token is 401 with a message")

    def delete_experiment(self):
        path = ["experiments", self.legacy_id]
        self.call("DELETE", path)
        experiment = self.expect_object(self.call("GET", path), "experiment", EXPERIMENT)
        self.check(
            experiment["state"] == "deleted", f"a deleted experiment is {experiment['state']!r}"
        )
        active = self.expect_page(self.call("GET", ["experiments"]), "experiment", EXPERIMENT)
        self.check(
            self.legacy_id not in [e["id"] for e in active["data"]],
            "a deleted experiment is still listed as active",
        )
        deleted = self.expect_page(
            self.call("GET", ["experiments"], {"state": "deleted"}), "experiment", EXPERIMENT
        )
        self.check(
            self.legacy_id in [e["id"] for e in deleted["data"]], "state=deleted does not list it"
        )
        self.done("experiments(id).delete() and fetch(state='deleted')")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the server's API URL, as given to set_api_url (no /v1)")
    parser.add_argument("token", help="an API token")
    parser.add_argument("--verbose", action="store_true", help="print every request and answer")
    args = parser.parse_args()

    suite = Suite(Wire(args.url, args.token, args.verbose))
    try:
        suite.run()
    except Mismatch as mismatch:
        print(f"MISMATCH in {suite.current}: {mismatch}", file=sys.stderr)
        print(f"  last request: {suite.wire.last_request}", file=sys.stderr)
        print(f"sigopt wire compatibility: {suite.passed} passed, 1 failed")
        return 1
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        print(f"cannot reach {args.url}: {error}", file=sys.stderr)
        print(f"sigopt wire compatibility: {suite.passed} passed, 1 failed")
        return 1
    print(f"sigopt wire compatibility: {suite.passed} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

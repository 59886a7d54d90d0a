"""Retries through a real TCP proxy that loses answers: the same key, one stored change."""

import json
import time
import unittest

from support import (
    argmax,
    FAST_RETRY,
    URL,
    FaultyProxy,
    client,
    http_answer,
    needs_server,
    plane,
    unique,
)


def first_matching(method, path_part, action):
    """A plan that applies ``action`` to the first such request and forwards the rest."""

    def plan(seen, earlier):
        matching = [s for s in earlier if s.method == method and path_part in s.path]
        if seen.method == method and path_part in seen.path and not matching:
            return action
        return "forward"

    return plan


@needs_server
class RetryTest(unittest.TestCase):
    def setUp(self):
        self.direct = client()
        self.experiment = self.direct.create_experiment(**plane(name=unique("retries")))

    def test_an_answer_lost_after_the_server_stored_the_observation_is_replayed(self):
        plan = first_matching("POST", "/observations", "drop-after")
        with FaultyProxy(URL, plan) as proxy:
            worker = client(proxy.url, retry=FAST_RETRY)
            suggestion = worker.create_suggestion(self.experiment)
            observation = worker.create_observation(
                self.experiment, suggestion=suggestion, value=1.5
            )

        sent = proxy.requests("POST", "/observations")
        self.assertEqual([s.action for s in sent], ["drop-after", "forward"])
        self.assertIsNotNone(sent[0].key)
        self.assertEqual(sent[0].key, sent[1].key)
        self.assertEqual(sent[0].body, sent[1].body)
        self.assertIn(b"idempotent-replayed: true", sent[1].answer_head.lower())

        stored = self.direct.list_observations(self.experiment)
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored[0]["id"], observation["id"])
        self.assertEqual(stored[0]["value"], 1.5)

    def test_a_lost_batch_answer_stores_the_batch_once(self):
        plan = first_matching("POST", "/observations/batch", "drop-after")
        batch = [{"assignments": {"x": i / 10, "y": 0}, "value": float(i)} for i in range(5)]
        with FaultyProxy(URL, plan) as proxy:
            created = client(proxy.url, retry=FAST_RETRY).create_observations(
                self.experiment, batch
            )

        self.assertEqual(len(proxy.requests("POST", "/batch")), 2)
        self.assertEqual(len(created), 5)
        self.assertEqual(len(self.direct.list_observations(self.experiment)), 5)

    def test_a_trial_report_survives_a_lost_answer(self):
        plan = first_matching("POST", "/observations", "drop-after")
        with FaultyProxy(URL, plan) as proxy:
            experiment = client(proxy.url, retry=FAST_RETRY).experiment(self.experiment["id"])
            for trial in experiment.loop(max_trials=2):
                trial.report(1.0)

        self.assertEqual(len(proxy.requests("POST", "/observations")), 3)
        self.assertEqual(len(self.direct.list_observations(self.experiment)), 2)

    def test_503_and_429_are_retried_after_retry_after(self):
        for status, reason in ((503, "Service Unavailable"), (429, "Too Many Requests")):
            with self.subTest(status=status):
                body = json.dumps({"message": "busy", "status": status})
                refusal = http_answer(status, reason, {"Retry-After": "1"}, body)
                plan = first_matching("POST", "/suggestions", refusal)
                with FaultyProxy(URL, plan) as proxy:
                    started = time.monotonic()
                    client(proxy.url, retry=FAST_RETRY).create_suggestion(self.experiment)
                    elapsed = time.monotonic() - started

                sent = proxy.requests("POST", "/suggestions")
                self.assertEqual([s.action for s in sent], ["answer", "forward"])
                self.assertEqual(sent[0].key, sent[1].key)
                self.assertGreaterEqual(elapsed, 0.95)

    def test_attempts_are_bounded_and_share_one_key(self):
        with FaultyProxy(URL, lambda seen, earlier: "drop-before") as proxy:
            worker = client(proxy.url, retry=argmax.RetryPolicy(3, base_delay=0.01))
            with self.assertRaises(argmax.NetworkError) as raised:
                worker.create_suggestion(self.experiment)

        sent = proxy.requests("POST", "/suggestions")
        self.assertEqual(raised.exception.attempts, 3)
        self.assertIsNone(raised.exception.status)
        self.assertEqual(len(sent), 3)
        self.assertEqual(len({s.key for s in sent}), 1)

    def test_every_call_gets_its_own_key(self):
        with FaultyProxy(URL, lambda seen, earlier: "forward") as proxy:
            worker = client(proxy.url)
            worker.create_suggestion(self.experiment)
            worker.create_suggestion(self.experiment)

        keys = [s.key for s in proxy.requests("POST", "/suggestions")]
        self.assertEqual(len(keys), 2)
        self.assertNotEqual(keys[0], keys[1])

    def test_a_refused_request_is_not_retried(self):
        with FaultyProxy(URL, lambda seen, earlier: "forward") as proxy:
            with self.assertRaises(argmax.ApiError) as raised:
                client(proxy.url, retry=FAST_RETRY).create_observation(
                    self.experiment, assignments={"x": 0.5}, value=1.0
                )

        self.assertEqual(raised.exception.status, 400)
        self.assertEqual(len(proxy.requests("POST", "/observations")), 1)


@needs_server
class ApiErrorTest(unittest.TestCase):
    def test_a_400_carries_the_server_message_naming_the_field(self):
        with self.assertRaises(argmax.ApiError) as raised:
            client().create_experiment(
                name="no bounds", parameters=[{"name": "x", "type": "double"}]
            )

        error = raised.exception
        self.assertEqual(error.status, 400)
        self.assertIn("parameters[0].bounds", error.message)
        self.assertEqual(error.body["message"], error.message)
        self.assertEqual(error.body["status"], 400)

    def test_a_missing_experiment_is_a_404(self):
        with self.assertRaises(argmax.ApiError) as raised:
            client().fetch_experiment("999999999")

        self.assertEqual(raised.exception.status, 404)
        self.assertTrue(raised.exception.message)

    def test_a_wrong_token_is_a_401(self):
        with self.assertRaises(argmax.ApiError) as raised:
            argmax.Client(URL, "not-a-token-of-this-server-000000").fetch_token()

        self.assertEqual(raised.exception.status, 401)


if __name__ == "__main__":
    unittest.main()

"""The worker loops against the real server: loop(), run() with threads, create_or_resume."""

import threading
import unittest

from support import argmax, client, needs_server, plane, quadratic, unique


@needs_server
class LoopTest(unittest.TestCase):
    def setUp(self):
        self.client = client()

    def test_the_loop_finds_the_top_of_a_quadratic_within_its_budget(self):
        experiment = self.client.create_or_resume(
            name=unique("quadratic"), **plane(observation_budget=20)
        )
        for trial in experiment.loop():
            trial.report(quadratic(trial.assignments))

        self.assertEqual(experiment.refresh().budget_used, 20)
        [best] = experiment.best_assignments()
        self.assertGreater(best["values"][0]["value"], -0.02)
        self.assertAlmostEqual(best["assignments"]["x"], 0.3, delta=0.15)
        self.assertAlmostEqual(best["assignments"]["y"], -0.2, delta=0.15)

    def test_a_trial_left_unreported_is_failed_when_the_next_is_asked_for(self):
        experiment = self.client.create_or_resume(
            name=unique("unreported"), **plane(observation_budget=3)
        )
        trials = experiment.loop()
        first, second, third = next(trials), next(trials), next(trials)
        self.assertRaises(StopIteration, next, trials)

        failed = {o["suggestion"]: o["failed"] for o in self.client.list_observations(experiment)}
        self.assertEqual(failed, {first.id: True, second.id: True, third.id: True})

    def test_reports_values_by_metric_name(self):
        metrics = [{"name": "accuracy"}, {"name": "seconds", "strategy": "store"}]
        experiment = self.client.create_or_resume(
            name=unique("metrics"), **plane(metrics=metrics, observation_budget=2)
        )
        trials = experiment.loop()
        one = next(trials)
        one.report(values={"accuracy": 0.9, "seconds": 12.0})
        two = next(trials)
        two.report(
            values=[
                {"name": "accuracy", "value": 0.8, "value_stddev": 0.01},
                {"name": "seconds", "value": 3.0},
            ]
        )
        self.assertRaises(StopIteration, next, trials)

        values = {o["suggestion"]: o["values"] for o in self.client.list_observations(experiment)}
        self.assertEqual(
            {v["name"]: v["value"] for v in values[one.id]}, {"accuracy": 0.9, "seconds": 12.0}
        )
        self.assertEqual(values[two.id][0]["value_stddev"], 0.01)
        self.assertRaises(RuntimeError, one.report, 1.0)

    def test_trial_fail_reports_a_failed_observation(self):
        experiment = self.client.create_or_resume(name=unique("fail"), **plane())
        for trial in experiment.loop(max_trials=1):
            observation = trial.fail(metadata={"reason": "out of memory"})

        self.assertTrue(observation["failed"])
        self.assertEqual(observation["metadata"], {"reason": "out of memory"})
        self.assertEqual(len(self.client.list_observations(experiment)), 1)


@needs_server
class RunTest(unittest.TestCase):
    def setUp(self):
        self.client = client()

    def test_three_workers_evaluate_different_points_and_stop_at_the_budget(self):
        experiment = self.client.create_or_resume(
            name=unique("workers"), **plane(observation_budget=12, parallel_bandwidth=3)
        )
        lock = threading.Lock()
        running = []
        overlaps = []
        threads = set()
        most = [0]

        def train(assignments):
            point = (assignments["x"], assignments["y"])
            with lock:
                if point in running:
                    overlaps.append((point, threading.current_thread().name))
                running.append(point)
                most[0] = max(most[0], len(running))
                threads.add(threading.current_thread().name)
            try:
                open_points = [
                    (s["assignments"]["x"], s["assignments"]["y"])
                    for s in self.client.list_suggestions(experiment, state="open")
                ]
                with lock:
                    if len(set(open_points)) != len(open_points):
                        overlaps.append(open_points)
                threading.Event().wait(0.2)
            finally:
                with lock:
                    running.remove(point)
            return quadratic(assignments)

        summary = experiment.run(train, workers=3)

        self.assertEqual(summary.failed, 0, summary.errors)
        self.assertEqual(overlaps, [])
        self.assertEqual(summary.reported, 12)
        self.assertEqual(len(threads), 3)
        self.assertGreaterEqual(most[0], 2)
        self.assertEqual(len(self.client.list_observations(experiment)), 12)
        self.assertEqual(self.client.list_suggestions(experiment, state="open"), [])
        suggestions = self.client.list_suggestions(experiment)
        self.assertEqual(len(suggestions), 12)

    def test_a_callback_that_raises_is_reported_as_failed(self):
        experiment = self.client.create_or_resume(
            name=unique("raises"), **plane(observation_budget=6)
        )

        def train(assignments):
            if assignments["x"] > 0:
                raise ValueError("diverged at x={:.3f}".format(assignments["x"]))
            return quadratic(assignments)

        summary = experiment.run(train, workers=2)

        observations = self.client.list_observations(experiment)
        failed = [o for o in observations if o["failed"]]
        self.assertEqual(len(observations), 6)
        self.assertEqual(summary.reported, 6)
        self.assertEqual(summary.failed, len(failed))
        self.assertEqual(len(summary.errors), len(failed))
        for observation in failed:
            self.assertGreater(observation["assignments"]["x"], 0)
            self.assertTrue(observation["metadata"]["error"].startswith("ValueError: diverged"))
        for observation in observations:
            if not observation["failed"]:
                self.assertLessEqual(observation["assignments"]["x"], 0)

    def test_a_callback_returning_nothing_is_a_failed_trial(self):
        experiment = self.client.create_or_resume(
            name=unique("none"), **plane(observation_budget=1)
        )
        summary = experiment.run(lambda assignments: None)

        self.assertEqual(summary.failed, 1)
        self.assertIsInstance(summary.errors[0], TypeError)

    def test_a_client_error_stops_the_workers_and_is_raised(self):
        experiment = self.client.create_or_resume(
            name=unique("gone"), **plane(observation_budget=5)
        )
        self.client.delete_experiment(experiment)

        summary = experiment.run(quadratic, workers=2)

        # A deleted experiment is not active: nothing to do.
        self.assertEqual(summary.reported, 0)
        experiment.data["state"] = "active"
        broken = argmax.Client(experiment.client.transport.base, "wrong-token-0000000000000000")
        with self.assertRaises(argmax.ApiError) as raised:
            broken.experiment(dict(experiment.data)).run(quadratic, workers=2)
        self.assertEqual(raised.exception.status, 401)


@needs_server
class CreateOrResumeTest(unittest.TestCase):
    def test_resumes_the_active_experiment_with_that_name(self):
        name = unique("resume")
        first = client().create_or_resume(name=name, **plane(observation_budget=4))
        again = client().create_or_resume(name=name, **plane(observation_budget=4))
        self.assertEqual(first.id, again.id)

        client().delete_experiment(first)
        fresh = client().create_or_resume(name=name, **plane(observation_budget=4))
        self.assertNotEqual(fresh.id, first.id)
        self.assertEqual(fresh.state, "active")

        client().update_experiment(fresh, name=unique("renamed"))
        third = client().create_or_resume(name=name, **plane(observation_budget=4))
        self.assertNotIn(third.id, (first.id, fresh.id))
        self.assertEqual(third.name, name)

    def test_workers_that_start_together_share_one_experiment(self):
        name = unique("together")
        ids = []
        lock = threading.Lock()

        def start():
            experiment = client().create_or_resume(name=name, **plane(observation_budget=4))
            with lock:
                ids.append(experiment.id)

        threads = [threading.Thread(target=start) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        self.assertEqual(len(ids), 4)
        self.assertEqual(len(set(ids)), 1)
        matching = [e for e in client().list_experiments(search=name) if e["name"] == name]
        self.assertEqual(len(matching), 1)


if __name__ == "__main__":
    unittest.main()

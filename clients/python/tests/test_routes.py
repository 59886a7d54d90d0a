"""The controller's routes: experiments, suggestions, queued suggestions, observations."""

import unittest

from support import argmax, client, needs_server, plane, unique


@needs_server
class ExperimentRoutesTest(unittest.TestCase):
    def setUp(self):
        self.client = client()

    def test_create_fetch_update_list_and_delete(self):
        name = unique("routes")
        created = self.client.create_experiment(**plane(name=name, observation_budget=5))
        self.assertEqual(created["object"], "experiment")
        self.assertEqual(self.client.fetch_experiment(created["id"])["name"], name)

        updated = self.client.update_experiment(created, observation_budget=9, metadata={"k": "v"})
        self.assertEqual(updated["observation_budget"], 9)
        self.assertEqual(updated["metadata"], {"k": "v"})
        self.assertEqual(
            [e["id"] for e in self.client.list_experiments(search=name)], [created["id"]]
        )

        self.client.delete_experiment(created)
        self.assertEqual(self.client.list_experiments(search=name), [])
        deleted = self.client.list_experiments(search=name, state="deleted")
        self.assertEqual([e["state"] for e in deleted], ["deleted"])

    def test_lists_are_read_across_pages(self):
        experiment = self.client.create_experiment(**plane(name=unique("pages")))
        batch = [{"assignments": {"x": i / 10, "y": 0}, "value": float(i)} for i in range(7)]
        created = self.client.create_observations(experiment, batch)

        listed = self.client.list_observations(experiment, limit=3)
        self.assertEqual(len(listed), 7)
        self.assertEqual(sorted(o["id"] for o in listed), sorted(o["id"] for o in created))
        [best] = self.client.best_assignments(experiment)
        self.assertEqual(best["values"][0]["value"], 6.0)


@needs_server
class SuggestionRoutesTest(unittest.TestCase):
    def setUp(self):
        self.client = client()
        self.experiment = self.client.create_experiment(**plane(name=unique("suggestions")))

    def test_suggestions_of_your_own_metadata_and_deletes(self):
        chosen = self.client.create_suggestion(
            self.experiment, assignments={"x": 0.1, "y": 0.2}, metadata={"who": "me"}
        )
        self.assertEqual(chosen["assignments"], {"x": 0.1, "y": 0.2})
        self.assertEqual(
            self.client.fetch_suggestion(self.experiment, chosen)["metadata"], {"who": "me"}
        )
        updated = self.client.update_suggestion(self.experiment, chosen, {"who": "you"})
        self.assertEqual(updated["metadata"], {"who": "you"})

        other = self.client.create_suggestion(self.experiment)
        listed = self.client.list_suggestions(self.experiment, ids=[chosen["id"]])
        self.assertEqual([s["id"] for s in listed], [chosen["id"]])

        self.client.delete_suggestion(self.experiment, chosen)
        self.assertEqual(
            [s["id"] for s in self.client.list_suggestions(self.experiment)], [other["id"]]
        )
        self.client.delete_suggestions(self.experiment, state="open")
        self.assertEqual(self.client.list_suggestions(self.experiment, state="open"), [])

    def test_queued_suggestions_are_served_first(self):
        queued = self.client.create_queued_suggestion(self.experiment, {"x": -0.5, "y": 0.5})
        self.assertEqual(
            [q["id"] for q in self.client.list_queued_suggestions(self.experiment)], [queued["id"]]
        )
        self.assertEqual(
            self.client.fetch_queued_suggestion(self.experiment, queued)["assignments"],
            {"x": -0.5, "y": 0.5},
        )
        served = self.client.create_suggestion(self.experiment)
        self.assertEqual(served["assignments"], {"x": -0.5, "y": 0.5})

        again = self.client.create_queued_suggestion(self.experiment, {"x": 0.5, "y": 0.5})
        self.client.delete_queued_suggestion(self.experiment, again)
        self.assertEqual(self.client.list_queued_suggestions(self.experiment), [])


@needs_server
class ObservationRoutesTest(unittest.TestCase):
    def setUp(self):
        self.client = client()
        self.experiment = self.client.create_experiment(**plane(name=unique("observations")))

    def test_create_update_fetch_and_delete(self):
        observation = self.client.create_observation(
            self.experiment, assignments={"x": 0, "y": 0}, value=1.0, value_stddev=0.1
        )
        self.assertEqual(observation["value_stddev"], 0.1)
        updated = self.client.update_observation(self.experiment, observation, value=2.0)
        self.assertEqual(updated["value"], 2.0)
        self.assertEqual(self.client.fetch_observation(self.experiment, observation)["value"], 2.0)

        self.client.create_observation(self.experiment, assignments={"x": 1, "y": 0}, failed=True)
        self.client.delete_observation(self.experiment, observation)
        [left] = self.client.list_observations(self.experiment)
        self.assertTrue(left["failed"])
        self.client.delete_observations(self.experiment)
        self.assertEqual(self.client.list_observations(self.experiment), [])

    def test_a_batch_is_all_or_nothing(self):
        batch = [
            {"assignments": {"x": 0, "y": 0}, "value": 1.0},
            {"assignments": {"x": 0}, "value": 1.0},
        ]
        with self.assertRaises(argmax.ApiError) as raised:
            self.client.create_observations(self.experiment, batch)
        self.assertEqual(raised.exception.status, 400)
        self.assertEqual(self.client.list_observations(self.experiment), [])

    def test_arguments_are_checked_before_sending(self):
        with self.assertRaises(ValueError):
            self.client.create_observation(self.experiment, assignments={"x": 0, "y": 0})
        with self.assertRaises(ValueError):
            self.client.create_observation(self.experiment, value=1.0)
        with self.assertRaises(ValueError):
            self.client.create_observation(
                self.experiment, assignments={"x": 0, "y": 0}, value=1.0, failed=True
            )


if __name__ == "__main__":
    unittest.main()

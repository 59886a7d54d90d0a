"""Leases: a running trial renews its suggestion's lease; one left alone expires."""

import threading
import time
import unittest

from support import argmax, client, needs_server, plane, unique

LEASE_SECONDS = 2


@needs_server
class LeaseTest(unittest.TestCase):
    def setUp(self):
        self.client = client()
        self.experiment = self.client.create_or_resume(
            name=unique("leases"), **plane(suggestion_lease_seconds=LEASE_SECONDS)
        )

    def test_a_five_second_trial_keeps_its_two_second_lease(self):
        other = {}

        def another_worker_asks():
            # Past the first lease: a suggestion whose lease ran out would be offered again now.
            other["suggestion"] = client().create_suggestion(self.experiment)
            other["first"] = client().fetch_suggestion(self.experiment, trial.id)

        for trial in self.experiment.loop(max_trials=1):
            asker = threading.Timer(3.5, another_worker_asks)
            asker.start()
            time.sleep(5)
            asker.join()
            observation = trial.report(1.0)

        self.assertIsNone(other["suggestion"]["retry_of"])
        self.assertNotEqual(other["suggestion"]["assignments"], trial.assignments)
        self.assertEqual(other["first"]["state"], "open")
        self.assertGreaterEqual(trial.lease_renewals, 5)
        self.assertEqual(observation["suggestion"], trial.id)
        self.assertEqual(self.client.fetch_suggestion(self.experiment, trial.id)["state"], "closed")

    def test_a_lease_that_is_not_renewed_expires_and_its_point_is_offered_again(self):
        first = self.client.create_suggestion(self.experiment)
        time.sleep(LEASE_SECONDS + 1)
        again = self.client.create_suggestion(self.experiment)

        self.assertEqual(again["retry_of"], first["id"])
        self.assertEqual(again["assignments"], first["assignments"])
        self.assertEqual(self.client.fetch_suggestion(self.experiment, first)["state"], "expired")

        # The late result is still kept.
        self.client.create_observation(self.experiment, suggestion=first, value=2.0)
        self.assertEqual(len(self.client.list_observations(self.experiment)), 1)

    def test_renew_lease_moves_the_expiry_and_refuses_closed_suggestions(self):
        suggestion = self.client.create_suggestion(self.experiment)
        renewed = self.client.renew_lease(self.experiment, suggestion, seconds=600)
        self.assertGreaterEqual(renewed["lease_expires"], suggestion["lease_expires"] + 590)

        self.client.create_observation(self.experiment, suggestion=suggestion, value=1.0)
        with self.assertRaises(argmax.ApiError) as raised:
            self.client.renew_lease(self.experiment, suggestion)
        self.assertEqual(raised.exception.status, 409)


if __name__ == "__main__":
    unittest.main()

"""Retry timing and request encoding, without a server."""

import email.utils
import os
import unittest

from support import TOKEN, argmax

from argmax.transport import RetryPolicy, api_base, encode_query, parse_retry_after


class RetryPolicyTest(unittest.TestCase):
    def test_full_jitter_stays_under_the_doubling_ceiling(self):
        policy = RetryPolicy(base_delay=0.5, max_delay=4)
        self.assertEqual(policy.delay(0, None, lambda: 1.0), 0.5)
        self.assertEqual(policy.delay(2, None, lambda: 1.0), 2.0)
        self.assertEqual(policy.delay(10, None, lambda: 1.0), 4)
        self.assertEqual(policy.delay(3, None, lambda: 0.25), 1.0)
        self.assertEqual(policy.delay(3, None, lambda: 0.0), 0.0)

    def test_retry_after_is_a_floor(self):
        policy = RetryPolicy(base_delay=0.5, max_delay=4)
        self.assertEqual(policy.delay(0, 3.0, lambda: 1.0), 3.0)
        self.assertEqual(policy.delay(5, 1.0, lambda: 1.0), 4)

    def test_retry_after_reads_seconds_and_dates(self):
        self.assertEqual(parse_retry_after("7"), 7.0)
        self.assertIsNone(parse_retry_after(None))
        self.assertIsNone(parse_retry_after("soon"))
        later = email.utils.formatdate(1_000_030, usegmt=True)
        self.assertAlmostEqual(parse_retry_after(later, now=1_000_000), 30.0)
        self.assertEqual(parse_retry_after(later, now=2_000_000), 0.0)


class EncodingTest(unittest.TestCase):
    def test_the_api_root_gets_v1_once(self):
        self.assertEqual(api_base("http://h:8080"), "http://h:8080/v1")
        self.assertEqual(api_base("http://h:8080/"), "http://h:8080/v1")
        self.assertEqual(api_base("http://h:8080/v1/"), "http://h:8080/v1")

    def test_queries_drop_nones_and_join_lists(self):
        self.assertEqual(encode_query({"state": None}), "")
        self.assertEqual(encode_query({"id": ["1", "2"], "skip": True}), "?id=1%2C2&skip=true")

    def test_the_token_comes_from_the_environment(self):
        saved = os.environ.pop("ARGMAX_TOKEN", None)
        try:
            with self.assertRaises(ValueError):
                argmax.Client("http://127.0.0.1:1")
            os.environ["ARGMAX_TOKEN"] = TOKEN or "some-token-0123456789"
            os.environ["ARGMAX_URL"] = "http://example.invalid:9"
            self.assertEqual(argmax.Client().transport.base, "http://example.invalid:9/v1")
        finally:
            os.environ.pop("ARGMAX_URL", None)
            os.environ.pop("ARGMAX_TOKEN", None)
            if saved is not None:
                os.environ["ARGMAX_TOKEN"] = saved


if __name__ == "__main__":
    unittest.main()

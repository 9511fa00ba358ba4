#!/usr/bin/python3
"""Smoke test of the leadrouter.v1 API from Python, with modules generated from the .proto files.

Starts the leadrouterd binary on a free port with the example rules and roster, a temporary
database and the --durability given (ctest runs it once with each), then, as a Python service
would: checks from its log that it runs with that durability, upserts a rep, assigns a few leads,
reads one back with GetLead and Explain, checks that a malformed request is INVALID_ARGUMENT, and
stops the server with SIGTERM (it must exit 0).

Run by ctest (label `python`); by hand:
  /usr/bin/python3 tests/python/smoke_test.py --leadrouterd build/server/leadrouterd \
      --generated build/tests/python/generated --rules examples/rules/quick-start.rules \
      --reps examples/reps.csv --durability sync
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ARGS = None


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leadrouterd", required=True)
    parser.add_argument("--generated", required=True, help="directory of the generated modules")
    parser.add_argument("--rules", required=True)
    parser.add_argument("--reps", required=True)
    parser.add_argument("--durability", required=True, choices=["sync", "async"])
    args, rest = parser.parse_known_args()
    return args, rest


class LeadrouterdProcess:
    """leadrouterd on port 0 in a temporary directory; the port comes from --port-file."""

    def __init__(self, binary, rules, reps, durability):
        self.dir = tempfile.TemporaryDirectory(prefix="leadrouter-python-")
        self.port_file = os.path.join(self.dir.name, "port")
        self.log = open(os.path.join(self.dir.name, "leadrouterd.log"), "w+")
        self.process = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--db", os.path.join(self.dir.name, "db"),
             "--rules", rules, "--reps", reps, "--durability", durability,
             "--port-file", self.port_file, "--log-level", "info"],
            stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self.port = self._wait_for_port(timeout=30)
        except Exception:
            self.cleanup()
            raise

    def _wait_for_port(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("leadrouterd exited with %d:\n%s" %
                                   (self.process.returncode, self.output()))
            try:
                with open(self.port_file) as f:
                    text = f.read().strip()
                if text:
                    return int(text)
            except FileNotFoundError:
                pass
            time.sleep(0.05)
        raise RuntimeError("leadrouterd wrote no port file in %ds:\n%s" % (timeout, self.output()))

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        """SIGTERM, as an operator would; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def cleanup(self):
        self.stop()
        if not self.log.closed:
            self.log.close()
        self.dir.cleanup()


class PythonClientSmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = LeadrouterdProcess(ARGS.leadrouterd, ARGS.rules, ARGS.reps,
                                        ARGS.durability)
        cls.channel = grpc.insecure_channel("127.0.0.1:%d" % cls.server.port)
        grpc.channel_ready_future(cls.channel).result(timeout=10)
        cls.assignments = assignment_pb2_grpc.AssignmentServiceStub(cls.channel)
        cls.reps = reps_pb2_grpc.RepServiceStub(cls.channel)
        cls.rules = rules_pb2_grpc.RuleServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        status = cls.server.stop()
        output = cls.server.output()
        cls.server.cleanup()
        if status != 0:
            raise AssertionError("leadrouterd exited with %d on SIGTERM:\n%s" % (status, output))

    def test_0_runs_with_the_durability_asked(self):
        # The start line names the mode (docs/operations.md): a flag the server ignored would
        # otherwise run the same test twice in one mode.
        listening = [line for line in self.server.output().splitlines() if " listening " in line]
        self.assertEqual(len(listening), 1, self.server.output())
        self.assertIn(" durability=%s " % ARGS.durability, listening[0])

    def test_1_example_rules_are_active(self):
        response = self.rules.GetRules(rules_pb2.GetRulesRequest(), timeout=10)
        self.assertEqual(response.version.version, 1)
        self.assertTrue(response.version.active)
        self.assertIn("big deals", [rule.rule.name for rule in response.rules])

    def test_2_upsert_rep_and_assign_leads(self):
        rep = common_pb2.Rep(name="reps/py-rep", display_name="Py Thon", team="smb", level=3,
                             region="emea", skills={"tech": 4},
                             channels=[common_pb2.CHANNEL_PHONE])
        upserted = self.reps.Upsert(reps_pb2.UpsertRepRequest(rep=rep, actor="python"), timeout=10)
        self.assertTrue(upserted.created)
        self.assertEqual(upserted.rep.team, "smb")
        self.assertEqual(upserted.rep.skills["tech"], 4)
        got = self.reps.Get(reps_pb2.GetRepRequest(name="reps/py-rep"), timeout=10)
        self.assertEqual(got.rep.display_name, "Py Thon")

        roster = {r.name for r in self.reps.List(reps_pb2.ListRepsRequest(), timeout=10).reps}
        self.assertIn("reps/ana", roster)
        self.assertIn("reps/py-rep", roster)

        leads = [
            common_pb2.Lead(name="leads/py-1", source="google_ads", quality=91, value=1200,
                            industry="Banking", region="emea"),
            common_pb2.Lead(name="leads/py-2", source="referral", quality=55, value=5000,
                            industry="E-COMMERCE", region="apac",
                            preferred_channel=common_pb2.CHANNEL_EMAIL),
            common_pb2.Lead(name="leads/py-3", source="event", quality=20, value=2_000_000,
                            industry="Retail", region="amer", account="hooli",
                            attributes={"company_size": common_pb2.Value(string_value="1000+"),
                                        "occupation": common_pb2.Value(
                                            string_value="Working Professional")}),
        ]
        for lead in leads:
            response = self.assignments.Assign(
                assignment_pb2.AssignRequest(lead=lead, actor="python-smoke"), timeout=10)
            self.assertEqual(response.assignment.outcome, explanation_pb2.OUTCOME_ASSIGNED,
                             response)
            self.assertTrue(response.assignment.rep.startswith("reps/"), response)
            self.assertIn(response.assignment.rep, roster)
            self.assertEqual(response.assignment.rule_version, 1)
            self.assertEqual(response.lead.owner, response.assignment.rep)
            self.assertTrue(response.assignment.name.startswith(lead.name + "/assignments/"))
            self.assertTrue(response.assignment.explanation.text)
            type(self).assigned = getattr(type(self), "assigned", {})
            type(self).assigned[lead.name] = response.assignment

        # The big deal went to an experienced enterprise rep (rule "big deals").
        big = type(self).assigned["leads/py-3"]
        self.assertEqual(big.rule.name, "big deals")
        self.assertIn(big.rep, {"reps/ana", "reps/ben", "reps/chen"})

        # Assign again: never re-decided.
        again = self.assignments.Assign(assignment_pb2.AssignRequest(lead=leads[0]), timeout=10)
        self.assertEqual(again.assignment.outcome, explanation_pb2.OUTCOME_ALREADY_ASSIGNED)
        self.assertEqual(again.assignment.name, type(self).assigned["leads/py-1"].name)

    def test_3_get_lead_and_explain(self):
        first = type(self).assigned["leads/py-1"]
        lead = self.assignments.GetLead(assignment_pb2.GetLeadRequest(name="leads/py-1"),
                                        timeout=10)
        self.assertEqual(lead.lead.owner, first.rep)
        self.assertEqual(lead.lead.state, common_pb2.LEAD_STATE_OPEN)
        self.assertEqual(lead.lead.quality, 91)
        self.assertEqual(lead.current_assignment.name, first.name)

        explained = self.assignments.Explain(assignment_pb2.ExplainRequest(name="leads/py-1"),
                                             timeout=10)
        self.assertEqual(explained.assignment.name, first.name)
        self.assertEqual(explained.explanation.rep, first.rep)
        self.assertGreater(len(explained.explanation.rules), 0)
        decided = explained.explanation.rules[-1]
        self.assertEqual(decided.result, explanation_pb2.RULE_RESULT_DECIDED)
        self.assertIn(first.rep, [c.rep for c in decided.candidates if c.picked])
        self.assertIn(first.rep.split("/")[1], explained.text)

    def test_4_bad_request_is_invalid_argument(self):
        bad = common_pb2.Lead(name="leads/not a valid id!", quality=50)
        with self.assertRaises(grpc.RpcError) as caught:
            self.assignments.Assign(assignment_pb2.AssignRequest(lead=bad), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("lead.name", caught.exception.details())

        out_of_range = common_pb2.Lead(name="leads/py-4", quality=140)
        with self.assertRaises(grpc.RpcError) as caught:
            self.assignments.Assign(assignment_pb2.AssignRequest(lead=out_of_range), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("quality", caught.exception.details())

        with self.assertRaises(grpc.RpcError) as caught:
            self.assignments.GetLead(assignment_pb2.GetLeadRequest(name="leads/nobody"),
                                     timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.NOT_FOUND)


if __name__ == "__main__":
    ARGS, rest = parse_args()
    sys.path.insert(0, ARGS.generated)
    import grpc  # noqa: E402  (Debian's python3-grpcio)
    from leadrouter.v1 import (assignment_pb2, assignment_pb2_grpc, common_pb2,  # noqa: E402
                               explanation_pb2, reps_pb2, reps_pb2_grpc, rules_pb2,
                               rules_pb2_grpc)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)

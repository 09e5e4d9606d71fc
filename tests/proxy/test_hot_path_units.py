"""The hot path's shortcuts give the answers of the long way round."""

from __future__ import annotations

import dataclasses
import itertools
import os
import re

import toktok

from proxy.contract import Limits
from proxy.limits.estimate import BpeEstimator
from proxy.limits.model import CallIdentity
from proxy.limits.rules import counters_for
from proxy.policy_hooks import sets_limits
from proxy.request_ids import new_request_id
from tests.proxy.support import make_deployment, make_key


def test_request_ids_are_unique_hex_and_differ_in_a_forked_child():
    ids = [new_request_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in ids)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its first id and leave without running pytest's exit
        os.write(write_end, new_request_id().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child_id = os.read(read_end, 64).decode()
    os.close(read_end)
    os.close(write_end)
    assert child_id[:16] != ids[0][:16]  # a new random prefix, not the parent's counter space
    assert child_id not in ids


def test_sets_limits_agrees_with_the_engine_counters():
    limits = Limits(requests=10, unit_seconds=60)
    deployment = make_deployment("http://upstream.invalid/v1")
    _, key = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    plain_grant = key.grant_for(deployment.api_id)
    for plan, application, backend in itertools.product((None, limits), repeat=3):
        grant = dataclasses.replace(plain_grant, limits=plan)
        snapshot = dataclasses.replace(key, application_limits=application)
        backends = {key.key_type: backend} if backend else {}
        live = dataclasses.replace(deployment, backend_limits=backends)
        identity = CallIdentity.from_snapshots(live, snapshot, grant)
        assert sets_limits(live, snapshot, grant) == bool(counters_for(identity))
    assert not sets_limits(deployment, key, None)


def test_token_counts_match_the_batch_counter():
    texts = ["", "hello world", "Say <|endoftext|> héllo 🧠 " * 20, '{"type":"object"}']
    for encoding in ("cl100k_base", "o200k_base"):
        estimator = BpeEstimator(encoding)
        expected = toktok.batch_count(texts, encoding, threads=1)
        assert [estimator.count(text) for text in texts] == expected

"""The heartbeat the serve supervisor reads: no age before the first beat, then the time since the last."""

from __future__ import annotations

import multiprocessing
import time

from ilrs_kg.heartbeat import Heartbeat


def test_a_heartbeat_ages_from_its_last_beat_and_not_before_the_first() -> None:
    heartbeat = Heartbeat(multiprocessing.get_context("spawn"))
    time.sleep(0.05)
    assert heartbeat.age() == 0.0  # still starting: stale only past the startup allowance
    assert not heartbeat.stale(0.01, startup_limit=60)
    assert heartbeat.stale(0.01, startup_limit=0.01)
    heartbeat.beat()
    time.sleep(0.1)
    assert 0.09 < heartbeat.age() < 5
    assert heartbeat.stale(0.05, startup_limit=60) and not heartbeat.stale(5, startup_limit=0)
    heartbeat.beat()
    assert heartbeat.age() < 0.09

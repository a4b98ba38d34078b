"""The crash budget's parts: fingerprints by shape, the memory of crashers, the respawn delay."""

from __future__ import annotations

from ilrs_kg.sparql.crash_budget import CrashMemory, RespawnBudget, fingerprint

SUM = "SELECT * WHERE { FILTER(" + "+".join(["1"] * 20_000) + " = 0) }"


def test_queries_differing_in_constants_spacing_comments_or_chain_length_share_a_fingerprint() -> None:
    same = [
        "select * where {filter(" + " + ".join(["7"] * 25_000) + "=1)} # again",
        "SELECT * WHERE {\n  FILTER(" + "+".join(["2"] * 15_000) + " = 0)\n}",
    ]
    assert {fingerprint(query) for query in same} == {fingerprint(SUM)}


def test_different_shapes_or_orders_of_magnitude_differ() -> None:
    others = [
        "SELECT * WHERE { FILTER(1+1 = 0) }",  # a short sum is not the crasher
        "SELECT * WHERE { FILTER(" + "*".join(["1"] * 20_000) + " = 0) }",
        "SELECT * WHERE { FILTER(" + "+".join(["1"] * 200) + " = 0) }",
        "ASK { FILTER(" + "!" * 20_000 + "true) }",
        "SELECT ?s WHERE { ?s ?p ?o }",
    ]
    prints = {fingerprint(query) for query in others}
    assert len(prints) == len(others) and fingerprint(SUM) not in prints


def test_the_memory_recalls_how_a_crasher_ended_and_forgets_the_oldest() -> None:
    memory = CrashMemory(entries=2)
    assert memory.recall(SUM) is None
    memory.remember(SUM, "stopped a query worker (signal SIGSEGV)")
    assert memory.recall(SUM.replace("= 0", "= 5")) == "stopped a query worker (signal SIGSEGV)"
    memory.remember("ASK { FILTER(" + "!" * 9000 + "true) }", "x")
    memory.remember("SELECT * { ?s ?p ?o }", "y")
    assert memory.recall(SUM) is None and len(memory) == 2


def test_respawns_are_free_while_crashes_are_rare_then_delayed_more_and_more() -> None:
    now = [0.0]
    budget = RespawnBudget(free=3, window=10.0, longest=4.0, clock=lambda: now[0])
    delays = []
    for _ in range(8):
        delays.append(budget.delay_after_crash())
        now[0] += 0.1
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert delays[3:] == [0.25, 0.5, 1.0, 2.0, 4.0]
    now[0] += 11  # the window has passed
    assert budget.delay_after_crash() == 0.0

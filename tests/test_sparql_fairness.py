"""Per-client counts and the fair queue: limits by address, light clients first, round-robin."""

from __future__ import annotations

from ilrs_kg.sparql.fairness import ClientLedger, FairQueue


def test_a_client_is_admitted_up_to_its_limit_and_again_once_it_has_answers() -> None:
    ledger = ClientLedger(max_in_flight=2)
    assert ledger.admit("a") and ledger.admit("a")
    assert not ledger.admit("a")
    assert ledger.admit("b")  # another address has its own count
    ledger.release("a")
    assert ledger.admit("a")
    assert all(ledger.admit(None) for _ in range(10))  # the server's own queries are not limited


def test_a_client_that_ran_long_is_heavy_for_a_while() -> None:
    now = [100.0]
    ledger = ClientLedger(max_in_flight=1, heavy_for=30, clock=lambda: now[0])
    assert not ledger.heavy("a")
    ledger.ran_long("a")
    assert ledger.heavy("a") and not ledger.heavy("b") and not ledger.heavy(None)
    now[0] += 31
    assert not ledger.heavy("a")


def test_the_queue_serves_clients_in_turn_light_ones_first() -> None:
    heavy = {"h"}
    queue: FairQueue[str] = FairQueue(lambda client: client in heavy)
    for asker, items in (("h", ["h1", "h2"]), ("a", ["a1", "a2", "a3"]), ("b", ["b1"])):
        for item in items:
            queue.push(asker, item)
    order = []
    while queue:
        found, client = queue.next_client()
        assert found
        order.append(queue.pop(client))
    assert order == ["a1", "b1", "a2", "a3", "h1", "h2"]
    assert queue.next_client() == (False, None)


def test_an_item_that_gave_up_leaves_the_queue() -> None:
    queue: FairQueue[str] = FairQueue(lambda client: False)
    queue.push("a", "a1")
    assert queue.remove("a", "a1") and not queue
    assert not queue.remove("a", "a1")

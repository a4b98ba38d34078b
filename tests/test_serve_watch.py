"""`ilrs-kg serve --watch` end to end: a real server (two HTTP processes) on 127.0.0.1 over a copied fixture
project, hammered by clients while its sources are edited. A syntax error or a SHACL violation keeps the
old data served and logs the report; a valid edit is swapped in for every process at once: no failed
request, each reply whole in one version, and no reply older than one already seen."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.fixtures.lifecycle.support import FIXTURE_GRAPH, MISSIONS, Seen, observe, project
from tests.fixtures.sparql.support import Served, serving

NEW_NAME = "Luna 25 (watched)"
KINDS = ("sparql", "page", "dump")


@dataclass(frozen=True)
class Timed:
    started: float
    ended: float
    seen: Seen


class Hammer:
    """Clients asking for Luna 25's label in turn by query, page and dump, as fast as they are answered."""

    def __init__(self, server: Served, clients: int = 4) -> None:
        self.server = server
        self.stopping = threading.Event()
        self.replies: list[list[Timed]] = [[] for _ in range(clients)]
        self.threads = [threading.Thread(target=self._loop, args=(log,), daemon=True) for log in self.replies]

    def _loop(self, log: list[Timed]) -> None:
        while not self.stopping.is_set():
            for kind in KINDS:
                started = time.monotonic()
                try:
                    seen = observe(self.server.url, kind)
                except OSError as exc:  # a refused or reset connection is a failed request too
                    seen = Seen(kind, 0, "", repr(exc))
                log.append(Timed(started, time.monotonic(), seen))

    def __enter__(self) -> Hammer:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(30)

    def all(self) -> list[Timed]:
        return sorted((r for log in self.replies for r in log), key=lambda r: r.started)


def wait_for_log(server: Served, text: str, count: int = 1, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        log = "".join(server.log)
        if log.count(text) >= count:
            return log
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not logged {count} time(s):\n" + "".join(server.log)[-4000:])


def save(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.new")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)


def test_watch_keeps_bad_edits_out_and_swaps_good_ones_in_atomically(tmp_path: Path) -> None:
    root, build_dir = project(tmp_path / "project"), tmp_path / "build"
    missions = root / MISSIONS
    original = missions.read_text(encoding="utf-8")
    with serving(build_dir, "--watch", "--http-processes", "2", "--workers", "1", root=root) as server:
        old = observe(server.url, "sparql").version
        with Hammer(server) as hammer:
            time.sleep(1)
            broken_line = len(original.splitlines()) + 1
            save(missions, original + f'GRAPH <{FIXTURE_GRAPH}> {{ mission:broken rdfs:label "open . }}\n')
            log = wait_for_log(server, "the change was not applied")
            assert f"{missions}:{broken_line}:" in log  # file and line of the syntax error
            assert observe(server.url, "page").version == old

            save(missions, original + f"GRAPH <{FIXTURE_GRAPH}> {{ mission:unnamed a ilrs:Mission . }}\n")
            log = wait_for_log(server, "the change was not applied", count=2)
            assert "<https://w3id.org/ilrs/id/mission/unnamed>" in log  # the entity
            assert (
                "file:    data/missions.trig" in log and "rdf-schema#label" in log
            )  # its file, the rule's path
            assert "sh:minCount 1" in log  # and what the rule wants
            assert observe(server.url, "dump").version == old

            save(missions, original.replace('"Luna 25"@en', f'"{NEW_NAME}"@en'))
            wait_for_log(server, "now serving data version")
            time.sleep(2)  # and keep hammering the new version a while
        replies = hammer.all()
        releases = build_dir / "releases"
        deadline = time.monotonic() + 30
        while len(list(releases.iterdir())) > 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        # The old release went once its last request was answered.
        assert len(list(releases.iterdir())) == 1, sorted(p.name for p in releases.iterdir())

    assert replies and all(r.seen.status == 200 for r in replies), [
        r.seen for r in replies if r.seen.status != 200
    ]
    new_versions = {r.seen.version for r in replies} - {old}
    assert len(new_versions) == 1
    for reply in replies:
        assert (reply.seen.label == "Luna 25") == (reply.seen.version == old), reply  # never a mix within
    # Never a mix across replies either: once any reply has come back new, every later request is new,
    # whichever HTTP process it reaches.
    first_new_end = min(r.ended for r in replies if r.seen.version != old)
    late_old = [r for r in replies if r.started > first_new_end and r.seen.version == old]
    assert late_old == []
    for log in hammer.replies:
        assert log[-1].seen.label == NEW_NAME
    swapped = sum(1 for r in replies if r.seen.version != old)
    print(f"{len(replies)} requests during the edits, {swapped} on the new version, 0 failed, 0 mixed")

"""Comunica (npm @comunica/query-sparql, pinned in clients/comunica, installed by .ci/run) against a real
`ilrs-kg serve`. The endpoint is given as a bare URL, so Comunica has to recognise it as a SPARQL
endpoint from its service description before it sends the queries there (otherwise it would query the
description itself, which holds no labels): that detection is under test too. All queries run in one
Node process (clients/comunica/run.js), as Comunica takes seconds to load.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from tests.fixtures.clients.support import ABOUT_CHANGE_6, CLIENTS, LABELS_OF_CHANGE_6, comunica
from tests.fixtures.sparql.support import CHANGE_6, Served

QUERIES = {
    "select": LABELS_OF_CHANGE_6,
    "construct": ABOUT_CHANGE_6,
    "ask": f"ASK {{ <{CHANGE_6}> ?p ?o }}",
}


@pytest.fixture(scope="module")
def answers(client_server: Served) -> dict[str, Any]:
    comunica()  # fails with the install command if Comunica is missing
    node = shutil.which("node")
    assert node is not None, "node (Debian nodejs, see .ci/run) is missing"
    done = subprocess.run(
        [node, str(CLIENTS / "comunica" / "run.js"), f"{client_server.url}/sparql"],
        input=json.dumps([{"name": n, "query": q} for n, q in QUERIES.items()]),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed


def test_comunica_select(answers: dict[str, Any]) -> None:
    assert {(row["label"]["value"], row["label"].get("lang")) for row in answers["select"]} == {
        ("Chang'e 6", "en"),
        ("嫦娥六号", "zh"),
    }


def test_comunica_construct(answers: dict[str, Any]) -> None:
    triples = answers["construct"]
    assert len(triples) == 5 and {s["value"] for s, _, _ in triples} == {CHANGE_6}
    assert {"value": "嫦娥六号", "type": "Literal", "lang": "zh"} in [o for _, _, o in triples]


def test_comunica_ask(answers: dict[str, Any]) -> None:
    assert answers["ask"] is True

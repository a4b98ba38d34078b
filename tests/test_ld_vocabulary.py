"""How properties read on the pages, both ways round: "What links here" headings in plain English."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.vocabulary import Vocabulary, load_vocabulary
from ilrs_kg.namespaces import ONTOLOGY_GRAPH
from tests.fixtures.linked_data.support import ROOT

OWL_OBJECT_PROPERTY = t.OWL + "ObjectProperty"


@pytest.fixture(scope="module")
def ontology() -> ox.Store:
    store = ox.Store()
    store.load(
        path=ROOT / "ontology" / "ilrs.ttl", format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH)
    )
    return store


def _object_properties(store: ox.Store) -> list[str]:
    return sorted(
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(t.TYPE), ox.NamedNode(OWL_OBJECT_PROPERTY), None)
        if isinstance(q.subject, ox.NamedNode)
    )


def test_every_object_property_of_the_ontology_has_a_readable_inverse(ontology: ox.Store) -> None:
    vocabulary = load_vocabulary(ontology)
    properties = _object_properties(ontology)
    assert len(properties) > 50
    bad = {}
    for prop in properties:
        heading = vocabulary.inverse_label(prop)
        # No doubled prepositions ("member of of", "built by of"), and no fallback marker on our own data.
        if (
            re.search(r"\b(of|by|in|to|for|from|with|on|at|among|about) of$", heading)
            or "(inverse)" in heading
        ):
            bad[prop] = heading
    assert bad == {}


@pytest.mark.parametrize(
    ("prop", "heading"),
    [
        (t.ORG + "memberOf", "members"),
        (t.ILRS + "builtBy", "built"),
        (t.ILRS + "operator", "operates"),
        (t.ILRS + "launchVehicle", "launched"),
        (t.ILRS + "signedBy", "signed"),
    ],
)
def test_inverse_headings_of_the_ones_readers_see_most(ontology: ox.Store, prop: str, heading: str) -> None:
    assert load_vocabulary(ontology).inverse_label(prop) == heading


def test_an_inverse_the_ontology_declares_wins_and_unknown_ones_stay_grammatical() -> None:
    vocabulary = Vocabulary(
        {"urn:p": "launched by", "urn:q": "launches", "urn:r": "sponsor"}, {}, {"urn:p": "urn:q"}
    )
    assert vocabulary.inverse_label("urn:p") == "launches"
    assert vocabulary.inverse_label("urn:r") == "sponsor of"
    assert vocabulary.inverse_label("urn:x/made-by") == "made by (inverse)"

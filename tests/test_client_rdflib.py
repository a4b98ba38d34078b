"""rdflib (a dependency) against a real `ilrs-kg serve`: `Graph().parse(url, format=...)` on an entity
URI with each of its formats, and SPARQLStore with each of its result formats.

rdflib asks for N-Triples as `text/plain` (its registered type before 2014) and for N3 as `text/n3`
(answered in Turtle, which is N3's RDF subset), each with `*/*;q=0.1` after it, and follows the 303
from /id/ to the document. TriX is left out: rdflib's TriX parser reads whatever `*/*` brings (Turtle
here) as XML, and this server writes no TriX.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from tests.fixtures.clients.support import LABELS_OF_CHANGE_6
from tests.fixtures.sparql.support import CHANGE_6, Served

# rdflib's own N3, TriG and JSON-LD parsers still go through what rdflib 7 deprecates.
pytestmark = pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning",
    "ignore:Dataset.default_context is deprecated:DeprecationWarning",
)
ZH = rdflib.Literal("嫦娥六号", lang="zh")
MISSION = rdflib.URIRef("https://w3id.org/ilrs/ontology#Mission")


@pytest.mark.parametrize("path", ["/id/mission/change-6", "/doc/mission/change-6"])
@pytest.mark.parametrize("rdf_format", ["xml", "n3", "turtle", "nt", "json-ld", "trig", None])
def test_rdflib_parses_an_entity_uri_in_each_format(
    client_server: Served, rdf_format: str | None, path: str
) -> None:
    """The entity IRI (303 to its document) and the document's own negotiated URL."""
    graph = rdflib.Graph().parse(f"{client_server.url}{path}", format=rdf_format)
    subject = rdflib.URIRef(CHANGE_6)
    assert (subject, rdflib.RDFS.label, ZH) in graph
    assert (subject, rdflib.RDF.type, MISSION) in graph


@pytest.mark.parametrize("rdf_format", ["xml", "n3", "turtle", "nt", "json-ld"])
def test_rdflib_parses_the_sparql_endpoint_construct(client_server: Served, rdf_format: str) -> None:
    """A CONSTRUCT URL is a graph too: rdflib's Accept for each format gets that format (or Turtle for N3)."""
    url = f"{client_server.url}/sparql?query=" + quote(f"CONSTRUCT WHERE {{ <{CHANGE_6}> ?p ?o }}", safe="")
    graph = rdflib.Graph().parse(url, format=rdf_format)
    assert (rdflib.URIRef(CHANGE_6), rdflib.RDFS.label, ZH) in graph


@pytest.mark.parametrize("return_format", ["xml", "json", "csv", "tsv"])
def test_sparqlstore_select_and_ask(client_server: Served, return_format: str) -> None:
    store = SPARQLStore(f"{client_server.url}/sparql", returnFormat=return_format)
    labels = {str(row[0]) for row in store.query(LABELS_OF_CHANGE_6)}
    assert labels == {"Chang'e 6", "嫦娥六号"}
    yes = store.query(f"ASK {{ <{CHANGE_6}> ?p ?o }}")
    no = store.query("ASK { <urn:x:none> ?p ?o }")
    if return_format in ("xml", "json"):
        assert (bool(yes), bool(no)) == (True, False)
    else:
        # rdflib reads every CSV or TSV answer as a table: ours is one row, `_askResult`, holding the answer.
        # (bool() of that table is True either way: rdflib's test is "has rows".)
        answers = [[row.asdict()["_askResult"].toPython() for row in result] for result in (yes, no)]
        assert [[str(a).lower() for a in answer] for answer in answers] == [["true"], ["false"]]


def test_sparqlstore_construct(client_server: Served) -> None:
    store = SPARQLStore(f"{client_server.url}/sparql")
    graph = store.query(f"CONSTRUCT WHERE {{ <{CHANGE_6}> ?p ?o }}").graph
    assert graph is not None and (rdflib.URIRef(CHANGE_6), rdflib.RDFS.label, ZH) in graph

"""SPARQLWrapper (PyPI, the test extra) against a real `ilrs-kg serve`: every return format it offers on
SELECT, ASK, CONSTRUCT and DESCRIBE, by GET and by POST.

SPARQLWrapper names the format twice, in the Accept header and in `format`/`output`/`results`
parameters, sometimes in two spellings (`rdf+xml` and `application/rdf+xml`), and with an empty value
where its Accept is `*/*`. A return format that has no meaning for the query form (Turtle for SELECT,
CSV for CONSTRUCT) gets 406 naming the formats on offer: the matrix below says which is which.
"""

from __future__ import annotations

import urllib.error
import warnings
from typing import Any
from xml.dom.minidom import Document

import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.fixtures.clients.support import ABOUT_CHANGE_6, LABELS_OF_CHANGE_6
from tests.fixtures.sparql.support import CHANGE_6, Served

FORMS = {
    "SELECT": LABELS_OF_CHANGE_6,
    "ASK": f"ASK {{ <{CHANGE_6}> ?p ?o }}",
    "CONSTRUCT": ABOUT_CHANGE_6,
    "DESCRIBE": f"DESCRIBE <{CHANGE_6}>",
}
RETURN_FORMATS = (XML, JSON, CSV, TSV, N3, TURTLE, RDFXML, JSONLD)
# What each (query form, return format) gives: an answer, or 406 for a format the form has no use for.
# JSON on a graph is JSON-LD, XML on a graph is RDF/XML: what SPARQLWrapper's converter expects.
ANSWERS = {
    "SELECT": {XML, JSON, CSV, TSV},
    "ASK": {XML, JSON, CSV, TSV},
    "CONSTRUCT": {XML, JSON, N3, TURTLE, RDFXML, JSONLD},
    "DESCRIBE": {XML, JSON, N3, TURTLE, RDFXML, JSONLD},
}


def ask(server: Served, form: str, return_format: str, method: str) -> Any:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(FORMS[form])
    client.setReturnFormat(return_format)
    if method == "POST":
        client.setMethod(POST)
    with warnings.catch_warnings():
        # SPARQLWrapper warns when it sends Accept: */* for a format it has no media type for.
        warnings.filterwarnings("ignore", "Sending Accept header", RuntimeWarning)
        # ... and converts RDF/XML and JSON-LD with rdflib's ConjunctiveGraph, which rdflib 7 deprecates.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return client.query().convert()


def text_of(converted: Any) -> str:
    if isinstance(converted, bytes):
        return converted.decode("utf-8")
    if isinstance(converted, Document):
        return converted.toxml()
    return str(converted)


def check(form: str, converted: Any) -> None:
    """The answer as SPARQLWrapper converted it holds what the query asked."""
    if form == "SELECT":
        text = text_of(converted)
        assert "嫦娥六号" in text and "Chang'e 6" in text
    elif form == "ASK":
        if isinstance(converted, dict):
            assert converted["boolean"] is True
        else:
            text = text_of(converted)
            assert "true" in text and ("_askResult" in text or "<boolean>true</boolean>" in text)
    else:
        graph = (
            converted
            if isinstance(converted, rdflib.Graph)
            else rdflib.Graph().parse(data=text_of(converted), format="turtle")
        )
        assert (rdflib.URIRef(CHANGE_6), rdflib.RDFS.label, rdflib.Literal("嫦娥六号", lang="zh")) in graph


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("return_format", RETURN_FORMATS)
@pytest.mark.parametrize("form", FORMS)
def test_sparqlwrapper_matrix(client_server: Served, form: str, return_format: str, method: str) -> None:
    if return_format in ANSWERS[form]:
        check(form, ask(client_server, form, return_format, method))
        return
    with pytest.raises(urllib.error.HTTPError) as refused:
        ask(client_server, form, return_format, method)
    assert refused.value.code == 406
    assert "on offer:" in refused.value.read().decode()


def test_sparqlwrapper_ask_false_in_every_result_format(client_server: Served) -> None:
    for return_format in sorted(ANSWERS["ASK"]):
        client = SPARQLWrapper(f"{client_server.url}/sparql")
        client.setQuery("ASK { <urn:x:none> ?p ?o }")
        client.setReturnFormat(return_format)
        text = text_of(client.query().convert()).lower()
        assert "false" in text and "true" not in text, (return_format, text)

"""The ontology: OWL 2 DL, consistent under HermiT (with the data too), and every term documented."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest

from tests.conftest import PROJECT_ROOT

OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ILRS = "https://w3id.org/ilrs/ontology#"
ONTOLOGY_IRI = "https://w3id.org/ilrs/ontology"
# OWL 2's datatype map (OWL 2 Structural Specification §4): any other datatype is outside OWL 2 DL.
OWL2_DATATYPES = {
    f"{XSD}{name}"
    for name in [
        "decimal",
        "integer",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "double",
        "float",
        "string",
        "normalizedString",
        "token",
        "language",
        "Name",
        "NCName",
        "NMTOKEN",
        "boolean",
        "hexBinary",
        "base64Binary",
        "anyURI",
        "dateTime",
        "dateTimeStamp",
    ]
} | {
    f"{OWL}real",
    f"{OWL}rational",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral",
    f"{RDFS}Literal",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
}
# Literals of these datatypes are valid RDF that HermiT cannot take: the OWL-Time dates and WKT.
NOT_IN_OWL2_MAP = {
    f"{XSD}date",
    f"{XSD}gYear",
    f"{XSD}gYearMonth",
    "http://www.opengis.net/ont/geosparql#wktLiteral",
}


def _triples(*folders: str) -> list[ox.Triple]:
    """The triples of every Turtle and TriG file in the folders (a TriG quad's triple, once)."""
    found: dict[ox.Triple, None] = {}
    for folder in folders:
        for path in sorted((PROJECT_ROOT / folder).iterdir()):
            if path.suffix in (".ttl", ".trig"):
                for statement in ox.parse(path=path):
                    found[statement.triple if isinstance(statement, ox.Quad) else statement] = None
    return list(found)


@pytest.fixture(scope="module")
def ontology() -> list[ox.Triple]:
    return _triples("ontology")


def _types(triples: list[ox.Triple]) -> dict[str, set[str]]:
    types: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value == RDF_TYPE and isinstance(t.subject, ox.NamedNode):
            types[t.subject.value].add(t.object.value)
    return types


def test_every_property_has_exactly_one_owl_kind(ontology: list[ox.Triple]) -> None:
    kinds = {f"{OWL}ObjectProperty", f"{OWL}DatatypeProperty", f"{OWL}AnnotationProperty"}
    types = _types(ontology)
    used = {t.predicate.value for t in ontology} - {RDF_TYPE}
    builtin = (RDFS, OWL, "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
    for prop in sorted(used):
        if prop.startswith(builtin):
            continue
        declared = types.get(prop, set()) & kinds
        assert len(declared) == 1, f"{prop} is declared as {declared or 'nothing'}; OWL 2 DL needs one kind"
    for iri, declared in types.items():
        assert len(declared & kinds) <= 1, f"{iri} is punned across property kinds: {declared & kinds}"


def test_every_class_used_is_declared(ontology: list[ox.Triple]) -> None:
    types = _types(ontology)
    for t in ontology:
        if t.predicate.value in (f"{RDFS}subClassOf", f"{RDFS}domain"):
            assert f"{OWL}Class" in types.get(t.object.value, set()), f"{t.object.value} is not an owl:Class"
        if t.predicate.value == f"{RDFS}range" and f"{OWL}ObjectProperty" in types.get(
            t.subject.value, set()
        ):
            assert f"{OWL}Class" in types.get(t.object.value, set()), f"{t.object.value} is not an owl:Class"


def test_datatype_ranges_are_in_the_owl2_datatype_map(ontology: list[ox.Triple]) -> None:
    types = _types(ontology)
    for t in ontology:
        if t.predicate.value == f"{RDFS}range" and f"{OWL}DatatypeProperty" in types.get(
            t.subject.value, set()
        ):
            assert t.object.value in OWL2_DATATYPES, f"{t.subject.value} ranges over {t.object.value}"


def test_metadata_is_complete(ontology: list[ox.Triple]) -> None:
    about = {t.predicate.value for t in ontology if t.subject == ox.NamedNode(ONTOLOGY_IRI)}
    for required in (
        "http://purl.org/dc/terms/title",
        "http://purl.org/dc/terms/description",
        "http://purl.org/dc/terms/license",
        "http://purl.org/dc/terms/creator",
        "http://purl.org/dc/terms/created",
        "http://purl.org/dc/terms/modified",
        f"{OWL}versionIRI",
        f"{OWL}versionInfo",
        "http://purl.org/vocab/vann/preferredNamespacePrefix",
        "http://purl.org/vocab/vann/preferredNamespaceUri",
    ):
        assert required in about, f"ontology metadata lacks {required}"


def test_every_ilrs_term_has_an_english_label_and_a_definition(ontology: list[ox.Triple]) -> None:
    terms = {
        t.subject.value
        for t in ontology
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(ILRS)
    }
    assert len(terms) > 50
    for term in sorted(terms):
        facts = [t for t in ontology if t.subject == ox.NamedNode(term)]
        labels = [t.object for t in facts if t.predicate.value == f"{RDFS}label"]
        assert any(isinstance(o, ox.Literal) and o.language == "en" for o in labels), (
            f"{term} has no @en label"
        )
        assert any(
            t.predicate.value in ("http://www.w3.org/2004/02/skos/core#definition", f"{RDFS}comment")
            for t in facts
        ), f"{term} has no definition"


def test_required_classes_exist(ontology: list[ox.Triple]) -> None:
    types = _types(ontology)
    for name in ("Agency", "Country", "Mission", "LaunchVehicle", "Phase"):
        assert f"{OWL}Class" in types.get(f"{ILRS}{name}", set()), f"ilrs:{name} is missing"


def _hermit_consistent(triples: list[ox.Triple]) -> owlready2.World:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "graph.nt"
        ox.serialize(triples, path, ox.RdfFormat.N_TRIPLES)
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        with onto:
            # Raises OwlReadyInconsistentOntologyError when inconsistent; fails on non-DL datatypes.
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        return world


def test_hermit_finds_the_ontology_consistent_with_no_unsatisfiable_class(ontology: list[ox.Triple]) -> None:
    world = _hermit_consistent(ontology)
    assert list(world.inconsistent_classes()) == []
    assert len(list(world.classes())) >= 20


def test_hermit_finds_ontology_and_data_consistent(ontology: list[ox.Triple]) -> None:
    data = [
        t
        for t in _triples("data")
        if not (isinstance(t.object, ox.Literal) and t.object.datatype.value in NOT_IN_OWL2_MAP)
    ]
    assert len(data) > 2000, "the data files were read"
    world = _hermit_consistent(ontology + data)
    assert list(world.inconsistent_classes()) == []


def test_hermit_detects_an_inconsistency() -> None:
    """The check can fail: a class declared disjoint with its own subclass's instance is caught."""
    bad = """
    @prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix ilrs: <https://w3id.org/ilrs/ontology#> .
    ilrs:Country a owl:Class . ilrs:Mission a owl:Class . ilrs:Country owl:disjointWith ilrs:Mission .
    <https://w3id.org/ilrs/id/mission/x> a ilrs:Country , ilrs:Mission .
    """
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit_consistent(list(ox.parse(bad, ox.RdfFormat.TURTLE)))

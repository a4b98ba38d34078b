"""Every RDF dump, read back by rdflib and by pyoxigraph, holds exactly the graph the store holds."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD

from ilrs_kg.exports import produce_all
from ilrs_kg.namespaces import ONTOLOGY_GRAPH
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files, shape_files

FIXTURE = Path(__file__).parent / "fixtures" / "exports"
ID = "https://w3id.org/ilrs/id/"
ILRS = "https://w3id.org/ilrs/ontology#"
PROV = "http://www.w3.org/ns/prov#"
PROVENANCE = "https://w3id.org/ilrs/graph/provenance"
TASS = "https://w3id.org/ilrs/graph/source/tass-2023-venezuela/report"
XINHUA = "https://w3id.org/ilrs/graph/source/xinhua-2023-venezuela"

# rdflib 7.6 warns about its own deprecated classes from inside its JSON-LD parser and Dataset.parse; the
# warnings say nothing about the files read.
pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
]

TRIPLE_DUMPS = {
    "ilrs.ttl": ("turtle", ox.RdfFormat.TURTLE),
    "ilrs.nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "ilrs.nt.gz": ("nt", ox.RdfFormat.N_TRIPLES),
    "ilrs.jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
    "ilrs.jsonld.gz": ("json-ld", ox.RdfFormat.JSON_LD),
    "ilrs.rdf": ("xml", ox.RdfFormat.RDF_XML),
}
QUAD_DUMPS = {
    "ilrs.nq": ("nquads", ox.RdfFormat.N_QUADS),
    "ilrs.nq.gz": ("nquads", ox.RdfFormat.N_QUADS),
    "ilrs.trig": ("trig", ox.RdfFormat.TRIG),
}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(root=FIXTURE, build_dir=tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def store(settings: Settings) -> ox.Store:
    store = ox.Store()
    load_files(store, graph_files(settings))
    return store


@pytest.fixture(scope="module")
def dumps(settings: Settings, store: ox.Store) -> Path:
    produce_all(settings, store)
    return settings.dumps_dir


def _bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):  # rdflib writes simple literals without a datatype
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _rdflib_reference(store: ox.Store, graph_name: str | None = None) -> rdflib.Graph:
    """The store's statements (of one named graph, or all) as rdflib terms, built term by term without any
    serializer, so that a dump is compared with the store and not with another dump."""
    graph = rdflib.Graph()
    selected = ox.NamedNode(graph_name) if graph_name is not None else None
    for quad in store.quads_for_pattern(None, None, None, selected):
        graph.add((_rdflib_term(quad.subject), _rdflib_term(quad.predicate), _rdflib_term(quad.object)))
    return graph


def _canonical(quads: list[ox.Quad]) -> set[ox.Quad]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def test_the_fixture_has_blank_nodes_so_the_comparisons_must_match_them(store: ox.Store) -> None:
    assert any(isinstance(q.subject, ox.BlankNode) for q in store)


@pytest.mark.parametrize("name", sorted(TRIPLE_DUMPS))
def test_triple_dump_read_by_rdflib_is_the_union_of_ontology_and_data(
    dumps: Path, store: ox.Store, name: str
) -> None:
    expected = _rdflib_reference(store)
    loaded = rdflib.Graph()
    loaded.parse(data=_bytes(dumps / name), format=TRIPLE_DUMPS[name][0])
    assert len(loaded) == len(expected)
    assert isomorphic(loaded, expected)


@pytest.mark.parametrize("name", sorted(TRIPLE_DUMPS))
def test_triple_dump_read_by_pyoxigraph_is_the_stores_union_graph(
    dumps: Path, store: ox.Store, name: str
) -> None:
    parsed = list(ox.parse(_bytes(dumps / name), TRIPLE_DUMPS[name][1]))
    expected = {ox.Quad(q.subject, q.predicate, q.object) for q in store}
    assert len(parsed) == len(expected)
    assert {q.graph_name for q in parsed} == {ox.DefaultGraph()}
    assert _canonical(parsed) == _canonical(list(expected))


@pytest.mark.parametrize("name", sorted(QUAD_DUMPS))
def test_quad_dump_read_by_rdflib_keeps_ontology_and_data_in_their_graphs(
    dumps: Path, store: ox.Store, name: str
) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(data=_bytes(dumps / name), format=QUAD_DUMPS[name][0])
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)} - {str(DATASET_DEFAULT_GRAPH_ID)}
    # Every graph survives: the ontology, the provenance graph and each statement graph ...
    assert graphs == {q.graph_name.value for q in store if isinstance(q.graph_name, ox.NamedNode)}
    # ... and the default graph the endpoint answers from, their merge, each fact once.
    default = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert len(dataset.graph(DATASET_DEFAULT_GRAPH_ID)) == len(default) > 0
    assert {ONTOLOGY_GRAPH, PROVENANCE, TASS, XINHUA} <= graphs
    for graph_iri in graphs:
        assert isomorphic(dataset.graph(rdflib.URIRef(graph_iri)), _rdflib_reference(store, graph_iri))
    # A fact two sources state is in both their graphs.
    both = (
        rdflib.URIRef(ID + "agency/abae"),
        rdflib.URIRef(ILRS + "country"),
        rdflib.URIRef(ID + "country/venezuela"),
    )
    assert both in dataset.graph(rdflib.URIRef(TASS)) and both in dataset.graph(rdflib.URIRef(XINHUA))


def test_triple_dumps_hold_each_fact_once_however_many_graphs_state_it(dumps: Path) -> None:
    loaded = rdflib.Graph().parse(data=_bytes(dumps / "ilrs.nt"), format="nt")
    both = (
        rdflib.URIRef(ID + "agency/abae"),
        rdflib.URIRef(ILRS + "country"),
        rdflib.URIRef(ID + "country/venezuela"),
    )
    assert both in loaded
    # The provenance graph's descriptions are there too, so a one-graph reader still learns what each
    # statement graph is (though not which graph a fact sits in: that takes TriG or N-Quads).
    assert (
        rdflib.URIRef(TASS),
        rdflib.URIRef(PROV + "wasDerivedFrom"),
        rdflib.URIRef(ID + "source/tass-2023-venezuela"),
    ) in loaded


@pytest.mark.parametrize("name", sorted(QUAD_DUMPS))
def test_quad_dump_read_by_pyoxigraph_is_the_stores_dataset(dumps: Path, store: ox.Store, name: str) -> None:
    parsed = list(ox.parse(_bytes(dumps / name), QUAD_DUMPS[name][1]))
    assert len(parsed) == len(store)
    assert _canonical(parsed) == _canonical(list(store))


def test_ontology_files_hold_the_ontology_graph_alone(dumps: Path, store: ox.Store) -> None:
    expected = {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))}
    for name, rdf_format in (
        ("ilrs-ontology.ttl", ox.RdfFormat.TURTLE),
        ("ilrs-ontology.owl", ox.RdfFormat.RDF_XML),
    ):
        assert {q.triple for q in ox.parse((dumps / name).read_bytes(), rdf_format)} == expected


def test_shapes_file_holds_the_shapes(dumps: Path, settings: Settings) -> None:
    expected = rdflib.Graph()
    for source in shape_files(settings):
        expected.parse(source.path, format="turtle")
    loaded = rdflib.Graph().parse(dumps / "ilrs-shapes.ttl", format="turtle")
    assert len(expected) > 0
    assert isomorphic(loaded, expected)


def test_turtle_uses_vocabulary_prefixes_but_writes_instance_iris_in_full(dumps: Path) -> None:
    text = (dumps / "ilrs.ttl").read_text(encoding="utf-8")
    assert "@prefix ilrs: <https://w3id.org/ilrs/ontology#> ." in text
    # Statements come in the store's index order: a subject's predicates in no particular order.
    assert "\n<https://w3id.org/ilrs/id/country/china> " in text
    assert "a ilrs:Country" in text
    assert "\\/" not in text  # no escaped slashes, which older Turtle parsers reject
    assert "@prefix sh:" not in text  # a prefix the data never uses is left out


def test_gzip_variants_decompress_to_the_plain_files(dumps: Path) -> None:
    for name in ("ilrs.nt", "ilrs.nq", "ilrs.jsonld"):
        compressed = (dumps / f"{name}.gz").read_bytes()
        assert gzip.GzipFile(fileobj=io.BytesIO(compressed)).read() == (dumps / name).read_bytes()


def test_the_same_store_always_gives_the_same_bytes(
    settings: Settings, store: ox.Store, dumps: Path, tmp_path: Path
) -> None:
    again = produce_all(settings, store, directory=tmp_path)
    for entry in again:
        assert entry.path.read_bytes() == (dumps / entry.name).read_bytes(), entry.name

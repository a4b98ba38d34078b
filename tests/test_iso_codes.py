"""ISO 3166-1 codes and names (data/iso-3166.trig): what pycountry's ISO data gives, cited to that version."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pyoxigraph as ox

from ilrs_kg.namespaces import sparql_prefix_block
from tests.conftest import PROJECT_ROOT

ISO_GRAPH = "https://w3id.org/ilrs/graph/source/iso-3166-1-pycountry"


def _rows(graph: ox.Store, query: str) -> list[tuple[str, ...]]:
    solutions = graph.query(sparql_prefix_block() + query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(term.value if term is not None else "" for term in row) for row in solutions]


def test_the_file_is_what_the_installed_pycountry_gives() -> None:
    check = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "iso_3166.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr


def test_the_codes_are_cited_to_the_pycountry_version_they_come_from(graph: ox.Store) -> None:
    version = importlib.metadata.version("pycountry")
    rows = _rows(
        graph,
        f"""SELECT ?title ?url WHERE {{ GRAPH <https://w3id.org/ilrs/graph/provenance> {{
              <{ISO_GRAPH}> prov:wasDerivedFrom ?src . ?src dcterms:title ?title ; schema:url ?url }} }}""",
    )
    assert len(rows) == 1 and f"pycountry {version}" in rows[0][0] and rows[0][1].endswith(f"/{version}/")


def test_every_country_has_its_codes_and_iso_names_in_the_iso_graph(graph: ox.Store) -> None:
    rows = _rows(
        graph,
        f"""SELECT ?c ?a2 ?a3 ?zh ?ru ?num WHERE {{ ?c a ilrs:Country .
              OPTIONAL {{ GRAPH <{ISO_GRAPH}> {{ ?c ilrs:iso3166Alpha2 ?a2 ; ilrs:iso3166Alpha3 ?a3 ;
                ilrs:iso3166Numeric ?num ;
                rdfs:label ?zh , ?ru FILTER(LANG(?zh) = "zh" && LANG(?ru) = "ru") }} }} }}""",
    )
    by_country = {row[0].rsplit("/", 1)[1]: row[1:] for row in rows}
    assert all(all(values) for values in by_country.values()), "a country without its ISO codes"
    assert by_country["russia"][:2] == ("RU", "RUS") and by_country["azerbaijan"][3] == "Азербайджан"
    assert by_country["china"][2] == "中国"
    # Numeric codes keep their leading zeros: the world map's features are named by them.
    assert by_country["china"][4] == "156" and by_country["azerbaijan"][4] == "031"


def test_a_match_the_lookup_could_not_make_says_the_curator_made_it(graph: ox.Store) -> None:
    notes = _rows(
        graph,
        """SELECT ?c WHERE { GRAPH <https://w3id.org/ilrs/graph/editorial/iso-3166-matching> {
             ?c skos:editorialNote ?note } }""",
    )
    assert sorted(row[0].rsplit("/", 1)[1] for row in notes) == ["russia", "turkey"]

"""Every row of every page cites exactly the statement graphs its own facts sit in, never an entity-level
list (linked_data.values.Citations, entity_page, home, source_list, source_page, schema_org).

The fixture places facts so that the two differ: Chang'e 6's COSPAR ID comes from the Simple English
Wikipedia page alone, while the LROC image states its landing; Luna 28's launch vehicle from the Wikipedia
mission table alone; the signatory on China's Wikipedia claim from the Space Wiki members table.
"""

from __future__ import annotations

import html
import re

import pyoxigraph as ox
import pytest
from fastapi import FastAPI

from ilrs_kg.linked_data import terms as t
from ilrs_kg.linked_data.describe import describe
from ilrs_kg.linked_data.entity_page import PageFrame, build_entity_page
from ilrs_kg.linked_data.values import value_graphs
from ilrs_kg.linked_data.vocabulary import load_vocabulary
from ilrs_kg.statement_graphs import load_provenance
from ilrs_kg.web.frame import site_links
from ilrs_kg.web.iris import IriMap
from tests.fixtures.linked_data.support import BROWSER, ID, fetch, fixture_store, make_app

BASE = "https://w3id.org/ilrs/"
G = BASE + "graph/"
SIMPLEWIKI = G + "source/simplewiki-change-6"
LROC = G + "source/lroc-1374"
MISSIONS = G + "source/wikipedia-ilrs/mission-table-reconnaissance"
CONSTRUCTION = G + "source/wikipedia-ilrs/mission-table-construction"
WIKI_MEMBERS = G + "source/wikipedia-ilrs/members-table"
SPACE_WIKI_MEMBERS = G + "source/space-wiki-ilrs/members-table"
MATCHING = G + "editorial/members-table-matching"
DERIVED = G + "derived/mission-country-from-operator"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return fixture_store()


@pytest.fixture(scope="module")
def app(store: ox.Store) -> FastAPI:
    return make_app(store)


def page(app: FastAPI, path: str) -> str:
    response = fetch(app, path, BROWSER)
    assert response.status_code == 200, response.text
    return response.text


def cited_graphs(text: str, fragment: str) -> set[str]:
    """The statement graphs the citation marks in `fragment` (a part of the page `text`) point to."""
    entries = dict(re.findall(r'<li id="source-(\d+)".*?<code class="graph"[^>]*>([^<]+)</code>', text, re.S))
    numbers = re.findall(r'href="#source-(\d+)"', fragment)
    assert numbers, f"nothing cited in {fragment!r}"
    return {html.unescape(entries[n]) for n in numbers}


def row(text: str, label: str) -> str:
    """The <dd> of the fact row labelled `label`."""
    match = re.search(rf"<dt[^>]*>{re.escape(label)}</dt>\s*<dd>(.*?)</dd>", text, re.S)
    assert match is not None, f"no row {label!r}"
    return match.group(1)


def claim_cells(text: str, label: str) -> list[str]:
    """The cells of the claim-table row labelled `label`, one per claim, left to right."""
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', text, re.S)
    assert match is not None, f"no claim row {label!r}"
    return re.findall(r"<td>(.*?)</td>", match.group(1), re.S)


def test_change6_cospar_id_cites_only_the_page_that_states_it(app: FastAPI) -> None:
    text = page(app, "/doc/mission/change-6.html")
    assert cited_graphs(text, row(text, "COSPAR ID")) == {SIMPLEWIKI}
    # The LROC image is cited on the page (for the landing), just not for the COSPAR ID.
    assert LROC in text


def test_luna28_launch_vehicle_cites_only_the_wikipedia_mission_table(app: FastAPI) -> None:
    text = page(app, "/doc/mission/luna-28.html")
    assert cited_graphs(text, row(text, "launch vehicle")) == {CONSTRUCTION}
    assert cited_graphs(text, row(text, "operator")) == {G + "source/space-wiki-ilrs/ref-2"}
    # The reference's own entry says which article it cites.
    entry = re.search(
        r'<li id="source-\d+"[^>]*>(?:(?!</li>).)*space-wiki-ilrs/ref-2</code></a></li>', text, re.S
    )
    assert entry is not None and "CNSA English news article c6812150" in entry.group(0)


def test_a_fact_two_sources_state_cites_both(app: FastAPI) -> None:
    text = page(app, "/doc/mission/change-6.html")
    name = re.search(r'<p class="iri">.*?</p>', text, re.S)
    assert name is not None
    assert cited_graphs(text, name.group(0)) == {MISSIONS, LROC}


def test_editorial_and_derived_facts_say_so_with_their_note_or_rule(app: FastAPI) -> None:
    text = page(app, "/doc/mission/change-6.html")
    assert cited_graphs(text, row(text, "country")) == {DERIVED}
    derived = re.search(r'<li id="source-\d+" value="\d+" class="source derived">(.*?)</li>', text, re.S)
    assert derived is not None and "mission-country-from-operator" in derived.group(1)
    china = page(app, "/doc/country/china.html")
    editorial = re.search(r'<li id="source-\d+" value="\d+" class="source editorial">(.*?)</li>', china, re.S)
    assert editorial is not None
    assert "Editorial" in editorial.group(1) and "matched to countries by date" in editorial.group(1)


def test_each_claim_and_each_cell_cites_its_own_facts(app: FastAPI) -> None:
    text = page(app, "/doc/country/china.html")
    space_wiki, wikipedia = claim_cells(text, "member during")
    assert cited_graphs(text, space_wiki) == {SPACE_WIKI_MEMBERS}
    assert cited_graphs(text, wikipedia) == {WIKI_MEMBERS}
    # The Wikipedia claim's signatory is the Space Wiki table's: that cell cites Space Wiki.
    assert cited_graphs(text, claim_cells(text, "signatory body")[1]) == {SPACE_WIKI_MEMBERS}
    # A claim's column cites the graphs of all its own facts: its member is the curator's match.
    headers = re.findall(r'<th scope="col">According to (.*?)</th>', text, re.S)
    assert cited_graphs(text, headers[0]) == {SPACE_WIKI_MEMBERS}
    assert cited_graphs(text, headers[1]) == {WIKI_MEMBERS, SPACE_WIKI_MEMBERS, MATCHING}


def test_three_disagreeing_claims_stand_side_by_side_each_with_its_source(app: FastAPI) -> None:
    text = page(app, "/doc/country/pakistan.html")
    assert "sources disagree" in text
    cells = claim_cells(text, "member during")
    assert len(cells) == 3
    assert [cited_graphs(text, c) for c in cells] == [
        {G + "source/wikipedia-ilrs/history"},
        {SPACE_WIKI_MEMBERS},
        {WIKI_MEMBERS},
    ]
    # The signatory only SpaceNews gives is cited to SpaceNews, on the one claim that has it.
    signatory = claim_cells(text, "signatory body")
    assert [bool(re.search("source-", c)) for c in signatory] == [False, True, False]
    assert cited_graphs(text, signatory[1]) == {G + "source/spacenews-pakistan"}


def test_home_page_rows_cite_the_facts_they_show(app: FastAPI) -> None:
    text = page(app, "/")
    china = re.search(r"<tr>\s*<th[^>]*>.*?China.*?</tr>", text, re.S)
    assert china is not None
    dates = re.findall(r"<time[^>]*>[^<]*</time>.*?</span>", china.group(0), re.S)
    assert [cited_graphs(text, d) for d in dates] == [{SPACE_WIKI_MEMBERS}, {WIKI_MEMBERS}]
    launch = re.search(r"3 May 2024</time>(.*?)</span>", text, re.S)
    assert launch is not None and cited_graphs(text, launch.group(1)) == {MISSIONS}


def test_no_row_on_any_page_cites_a_graph_that_does_not_state_it(store: ox.Store) -> None:
    """For every entity, every fact row's citations are exactly the graphs of its own quads."""
    provenance = load_provenance(store)
    frame = PageFrame(
        IriMap("http://testserver/"),
        "en",
        load_vocabulary(store),
        site_links(IriMap("http://testserver/")),
        provenance,
    )
    subjects = {
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(t.TYPE), None, None)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ID)
    }
    checked = 0
    for iri in sorted(subjects):
        description = describe(store, iri)
        view = build_entity_page(description, frame, entity_path=None, alternates=(), languages=())
        graph_of = {s.number: s.graph for s in view.sources}
        for group in view.groups:
            for fact in group.facts:
                cited = {graph_of[n] for n in fact.citations} | {
                    graph_of[n] for v in fact.values for n in v.citations
                }
                expected = {
                    g
                    for o in description.objects(description.node, fact.property_iri)
                    for g in value_graphs(description, description.node, fact.property_iri, o)
                }
                if fact.property_iri == t.LABEL:  # the heading's own name is cited apart
                    expected = cited if cited <= expected else expected
                assert cited == expected, (iri, fact.label)
                checked += 1
    assert checked > 40


def test_source_page_lists_what_the_data_takes_from_it(app: FastAPI) -> None:
    text = page(app, "/doc/source/wikipedia-ilrs.html")
    section = text[text.index('<section class="stated">') :]
    section = section[: section.index("</section>")]
    assert "members table" in section and "mission table: construction phase" in section
    assert 'href="http://testserver/doc/mission/luna-28.html"' in section
    assert "Editorial, interpreting this source" in section
    # A source's own record cites the catalogue it comes from, not itself.
    assert cited_graphs(text, row(text, "web address")) == {G + "provenance"}


def test_schema_org_is_based_on_the_documents_of_the_entitys_facts(app: FastAPI) -> None:
    text = page(app, "/doc/mission/luna-28.html")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert block is not None
    ids = set(re.findall(r'"@id":\s*"(https://w3id.org/ilrs/id/source/[^"]+)"', block.group(1)))
    assert ids == {ID + "source/wikipedia-ilrs", ID + "source/space-wiki-ilrs"}


def test_each_cited_graph_opens_as_a_page_and_as_data(app: FastAPI) -> None:
    text = page(app, "/doc/mission/change-6.html")
    assert 'href="http://testserver/graph/source/simplewiki-change-6" class="graph-link"' in text
    graph_page = page(app, "/graph/source/simplewiki-change-6")
    assert "Simple English Wikipedia: Chang&#39;e 6" in graph_page
    assert 'href="http://testserver/doc/mission/change-6.html"' in graph_page
    trig = fetch(app, "/graph/source/simplewiki-change-6", {"Accept": "application/trig"})
    quads = list(ox.parse(trig.content, format=ox.RdfFormat.TRIG))
    cospar = [q for q in quads if q.predicate.value == t.ILRS + "cosparId"]
    assert [q.graph_name.value for q in cospar] == [SIMPLEWIKI]
    assert any(q.graph_name.value == G + "provenance" and q.subject.value == SIMPLEWIKI for q in quads)
    assert fetch(app, "/graph/ontology").headers["location"] == "http://testserver/ontology"
    # Only described graphs are served, and path tricks are not graphs.
    for path in ("/graph/source/no-such-source", "/graph/source/..%2F..%2Fetc", "/graph/a/b/c/d/e"):
        assert fetch(app, path, BROWSER).status_code == 404, path


def test_incoming_links_and_class_rows_cite_the_facts_they_are(app: FastAPI) -> None:
    # "of this country · Agency: SUPARCO" is SpaceNews's fact, not the Space Wiki table's.
    text = page(app, "/doc/country/pakistan.html")
    incoming = re.search(
        r"<li><a [^>]*>Pakistan Space and Upper Atmosphere Research Commission</a>(.*?)</li>", text
    )
    assert incoming is not None
    assert cited_graphs(text, incoming.group(1)) == {G + "source/spacenews-pakistan"}
    # A class page's row: the graphs that type the entity (and state the description shown).
    countries = page(app, "/class/Country")
    venezuela = re.search(r'<tr><th scope="row"><a [^>]*>Venezuela</a>(.*?)</th>', countries)
    assert venezuela is not None
    assert cited_graphs(countries, venezuela.group(1)) == {SPACE_WIKI_MEMBERS, WIKI_MEMBERS}

"""What a person sees on the HTML pages: names in their language, dates at precision, sources on every
fact, conflicting claims side by side, incoming links, the Moon map, and escaping of everything from the
data (linked_data.entity_page, home, class_index, ontology_docs, void and the templates)."""

from __future__ import annotations

import html
import json
import re

import pytest
import rdflib
from fastapi import FastAPI

from tests.fixtures.linked_data.support import BROWSER, fetch, fixture_store, make_app

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return make_app(fixture_store())


def page(app: FastAPI, path: str, lang: str | None = None) -> str:
    headers = dict(BROWSER)
    if lang:
        headers["Accept-Language"] = lang
    response = fetch(app, path, headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def visible(text: str) -> str:
    """The page's text as a reader sees it: no tags, no scripts, entities decoded, spaces collapsed."""
    text = re.sub(r"<script.*?</script>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text))


def json_ld(text: str) -> dict[str, object]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert match is not None
    parsed: dict[str, object] = json.loads(match.group(1))
    return parsed


def test_member_page_shows_both_join_dates_side_by_side_with_sources(app: FastAPI) -> None:
    text = page(app, "/doc/country/venezuela.html")
    seen = visible(text)
    assert "<h1>Venezuela</h1>" in text
    assert "since July 2023" in seen and "since 17 July 2023" in seen
    assert "2023-07-01" not in seen
    # July 2023 and 17 July 2023 can be the same day: shown side by side, but not as a disagreement.
    assert "sources disagree" not in seen
    assert "According to Space Wiki: International Lunar Research Station" in seen
    assert "According to Wikipedia: International Lunar Research Station" in seen
    # Each claim cites its source, and the citation leads to the source's page and its address.
    assert re.search(r'href="#source-\d"', text)
    assert 'href="http://testserver/doc/source/wikipedia-ilrs.html"' in text
    assert 'href="https://en.wikipedia.org/wiki/International_Lunar_Research_Station"' in text
    # Who points here, by label.
    assert "of this country" in seen and "Bolivarian Agency for Space Activities" in seen


def test_conflicting_membership_claims_are_marked(app: FastAPI) -> None:
    text = page(app, "/doc/country/china.html")
    seen = visible(text)
    assert "Membership claim: International Lunar Research Station sources disagree" in seen
    assert re.search(r'<tr class="disagree"><th scope="row">member during</th>', text)
    # A note that differs between the claims is a remark, not a disagreement.
    assert not re.search(r'<tr class="disagree"><th scope="row">note</th>', text)
    assert "Row 1 of the members table." in seen


def test_every_fact_cites_a_source(app: FastAPI) -> None:
    text = page(app, "/doc/mission/change-6.html")
    facts = re.findall(r"<dd>(.*?)</dd>", text, re.S)
    assert facts
    for fact in facts:
        assert 'class="cite"' in fact, fact


def test_page_links_to_its_data_and_embeds_schema_org(app: FastAPI) -> None:
    text = page(app, "/doc/mission/change-6.html")
    for media_type, extension in [
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdf"),
    ]:
        assert (
            f'<link rel="alternate" type="{media_type}" href="http://testserver/doc/mission/change-6.{extension}"'
            in text
        )
    seen = visible(text)
    for name in ("Turtle", "JSON-LD", "N-Triples", "RDF/XML"):
        assert f"View as {name}" in seen
    data = json_ld(text)
    assert data["@id"] == "https://w3id.org/ilrs/id/mission/change-6"
    assert data["name"] == "Chang'e 6"
    assert '<link rel="canonical" href="https://w3id.org/ilrs/id/mission/change-6">' in text


def test_mission_in_chinese(app: FastAPI) -> None:
    response = fetch(app, "/doc/mission/change-6.html", {**BROWSER, "Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.headers["content-language"] == "zh"
    assert "Accept-Language" in response.headers["vary"]
    text = response.text
    assert '<html lang="zh">' in text
    assert "<h1>嫦娥六号</h1>" in text
    seen = visible(text)
    assert "2024年5月3日" in seen and "2024年6月1日, 22:23 UTC" in seen
    assert "国家航天局" in seen  # the operator's Chinese name
    assert "来源不一致" in seen  # "sources disagree", on the two landing claims
    assert "<h2>来源</h2>" in text
    assert json_ld(text)["name"] == "嫦娥六号"


def test_language_parameter_and_fallback_to_english(app: FastAPI) -> None:
    assert "<h1>嫦娥六号</h1>" in page(app, "/doc/mission/change-6.html?lang=zh")
    russian = page(app, "/doc/mission/change-6.html", lang="ru")
    assert '<html lang="ru">' in russian
    assert (
        '<h1><span lang="en">Chang&#39;e 6</span></h1>' in russian
    )  # no Russian name: English, marked as such
    assert "<h1>Международная научная лунная станция</h1>" in page(app, "/doc/programme/ilrs.html", lang="ru")


def test_conflicting_mission_events_and_formatted_values(app: FastAPI) -> None:
    seen = visible(page(app, "/doc/mission/change-6.html"))
    assert "Mission event: landing sources disagree" in seen
    assert "3 May 2024" in seen and "1 June 2024, 22:23 UTC" in seen
    assert "10.5 kg" in seen
    assert "COSPAR ID 2024-083A" in seen


def test_site_is_drawn_on_the_moon(app: FastAPI) -> None:
    text = page(app, "/doc/site/change-6-landing-site.html")
    assert "<svg" in text and "<circle" in text
    assert "41.6385° S, 153.9852° W" in visible(text)
    assert "near side" in text
    # The mission's page shows where it landed too.
    assert "<svg" in page(app, "/doc/mission/change-6.html")
    assert "<svg" not in page(app, "/doc/country/venezuela.html")


def test_hostile_labels_are_escaped_everywhere() -> None:
    app = make_app(fixture_store())
    for path in ("/doc/country/ruritania.html", "/class/Country", "/search?q=ruritania", "/"):
        text = page(app, path)
        assert "<script>alert(1)</script>" not in text, path
        assert "<img src=x" not in text, path
    entity = page(app, "/doc/country/ruritania.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Ruritania" in entity
    assert "<script>alert(1)</script> & Ruritania" in visible(entity)
    # The embedded JSON-LD cannot end its script element early, and still says the same thing.
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', entity, re.S)
    assert block is not None and "</" not in block.group(1)
    assert json_ld(entity)["name"] == "<script>alert(1)</script> & Ruritania"


def test_high_degree_entity_is_grouped_and_paged() -> None:
    many = "\n".join(
        f"<mission/m{i:03d}> a <https://w3id.org/ilrs/ontology#Mission> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> "
        f'"Mission {i:03d}"@en ; <https://w3id.org/ilrs/ontology#targetSite> <site/apollo-basin> .'
        for i in range(60)
    )
    app = make_app(fixture_store(many))
    text = page(app, "/doc/site/apollo-basin.html")
    seen = visible(text)
    assert "missions aimed here · Mission (60)" in seen
    assert "Mission 011" in seen and "Mission 012" not in seen
    more = re.search(r'<a href="([^"]+)">All 60 →</a>', text)
    assert more is not None
    first = page(app, html.unescape(more.group(1)).removeprefix("http://testserver"))
    assert "Mission 049" in visible(first) and "Mission 050" not in visible(first)
    assert "Page 1 of 2" in visible(first)
    following = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert following is not None
    second = visible(page(app, html.unescape(following.group(1)).removeprefix("http://testserver")))
    assert "Mission 059" in second and "Mission 000" not in second


def test_home_page(app: FastAPI) -> None:
    text = page(app, "/")
    seen = visible(text)
    assert "Members and when they joined" in seen
    assert "China 9 March 2021 [1] June 2021 [2] sources disagree founding member" in seen
    assert "Venezuela July 2023 [1] 17 July 2023 [2] member" in seen
    assert "Reconnaissance (2021 \u2013 2025)" in seen
    assert re.search(r"3 May 2024 \[\d\] Chang'e 6", seen)
    for href in (
        "http://testserver/sparql",
        "http://testserver/ontology",
        "http://testserver/dumps/",
        "http://testserver/.well-known/void",
        "http://testserver/class/Mission",
    ):
        assert f'href="{href}"' in text


def test_class_index_lists_every_instance(app: FastAPI) -> None:
    seen = visible(page(app, "/class/Country"))
    assert "Country (4)" in seen
    assert seen.index("China") < seen.index("Venezuela")
    assert fetch(app, "/class/NoSuchClass", BROWSER).status_code == 404


def test_ontology_documentation(app: FastAPI) -> None:
    text = page(app, "/ontology")
    assert '<section class="entry" id="Mission">' in text
    assert '<section class="entry" id="leadAgency">' in text
    mission = text[text.index('id="Mission"') :]
    mission = mission[: mission.index("</section>")]
    seen = visible(mission)
    assert "A space mission listed by a source" in seen
    assert "subclass of prov:Activity" in seen
    assert "instances 2" in seen and 'href="http://testserver/class/Mission"' in mission
    assert "domain of" in seen and "launch vehicle" in seen
    header = visible(text[: text.index("Contents")])
    assert "International Lunar Research Station ontology" in header
    assert "https://w3id.org/ilrs/ontology/0.1.0" in header and "0.1.0" in header


def test_void_describes_the_dataset(app: FastAPI) -> None:
    response = fetch(app, "/.well-known/void", {"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/ilrs/dataset")
    assert (dataset, rdflib.RDF.type, VOID.Dataset) in graph
    assert graph.value(dataset, DCTERMS.title) is not None
    assert graph.value(dataset, DCTERMS.license) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert graph.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef("https://w3id.org/ilrs/sparql")
    dumps = {str(d) for d in graph.objects(dataset, VOID.dataDump)}
    assert {"https://w3id.org/ilrs/dumps/ilrs.ttl", "https://w3id.org/ilrs/dumps/ilrs.nt"} <= dumps
    assert str(graph.value(dataset, VOID.uriSpace)) == "https://w3id.org/ilrs/id/"
    assert rdflib.URIRef("https://w3id.org/ilrs/id/programme/ilrs") in set(
        graph.objects(dataset, VOID.exampleResource)
    )
    assert int(graph.value(dataset, VOID.triples)) > 500  # type: ignore[arg-type]
    assert int(graph.value(dataset, VOID.entities)) > 30  # type: ignore[arg-type]
    partitions = {
        graph.value(p, VOID["class"]): int(graph.value(p, VOID.entities))  # type: ignore[arg-type]
        for p in graph.objects(dataset, VOID.classPartition)
    }
    assert partitions[rdflib.URIRef("https://w3id.org/ilrs/ontology#Country")] == 4
    assert "Dataset description" in page(app, "/.well-known/void")


def test_counts_are_distinct_triples_not_quads() -> None:
    """A fact two sources state is one triple in VoID and on the home page, not one per graph."""
    store = fixture_store()
    distinct = len({q.triple for q in store})
    assert distinct < len(store)  # the store holds the named graphs and their merge
    graph = rdflib.Graph().parse(
        data=fetch(make_app(store), "/.well-known/void", {"Accept": "text/turtle"}).content, format="turtle"
    )
    assert int(graph.value(rdflib.URIRef("https://w3id.org/ilrs/dataset"), VOID.triples)) == distinct  # type: ignore[arg-type]

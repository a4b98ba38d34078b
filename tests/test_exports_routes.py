"""`/dumps/`: the listing in HTML and JSON, and every file with its media type, ETag, length and ranges."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi import FastAPI

from ilrs_kg.exports import DumpFormat, build_router, dump_formats, produce_all
from ilrs_kg.settings import Settings
from ilrs_kg.sources import graph_files, load_files

FIXTURE = Path(__file__).parent / "fixtures" / "exports"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(root=FIXTURE, build_dir=tmp_path_factory.mktemp("build"))
    store = ox.Store()
    load_files(store, graph_files(settings))
    produce_all(settings, store)
    return settings


class Client:
    """Requests to an app holding only the dumps router, in-process (no socket)."""

    def __init__(self, settings: Settings, base_url: str = "http://testserver") -> None:
        self.app = FastAPI()
        self.app.include_router(build_router(settings))
        self.base_url = base_url

    def request(self, method: str, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=self.base_url) as http:
                return await http.request(method, path, headers=headers or {})

        return asyncio.run(go())

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("GET", path, headers)

    def head(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("HEAD", path, headers)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Client:
    return Client(settings)


def test_json_listing_names_every_file_with_size_and_digest(client: Client, settings: Settings) -> None:
    response = client.get("/dumps/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert "Accept" in response.headers["vary"]
    listing = response.json()
    expected = [f"http://testserver/dumps/{f.name}" for f in dump_formats()]
    assert [entry["url"] for entry in listing] == expected
    for entry in listing:
        assert set(entry) == {"url", "media_type", "bytes", "sha256"}
        path = settings.dumps_dir / entry["url"].rsplit("/", 1)[1]
        assert entry["bytes"] == path.stat().st_size
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    media = {entry["url"].rsplit("/", 1)[1]: entry["media_type"] for entry in listing}
    assert media["ilrs.ttl"] == "text/turtle"
    assert media["ilrs.nq.gz"] == "application/gzip"
    assert media["ilrs-ontology.owl"] == "application/rdf+xml"


def test_browsers_get_an_html_listing_with_links(client: Client) -> None:
    response = client.get("/dumps/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for dump_format in dump_formats():
        assert f'href="http://testserver/dumps/{dump_format.name}"' in response.text
    assert client.get("/dumps/?format=json").json()[0]["url"].endswith("/dumps/ilrs.ttl")


def test_an_unacceptable_listing_request_is_406_naming_what_is_offered(client: Client) -> None:
    response = client.get("/dumps/", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/json" in response.text and "text/html" in response.text


@pytest.mark.parametrize("dump_format", dump_formats(), ids=lambda f: f.name)
def test_each_file_is_served_whole_with_its_media_type_etag_and_length(
    client: Client, settings: Settings, dump_format: DumpFormat
) -> None:
    name = dump_format.name
    data = (settings.dumps_dir / name).read_bytes()
    response = client.get(f"/dumps/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == dump_format.media_type
    assert response.headers["etag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["accept-ranges"] == "bytes"
    assert "content-encoding" not in response.headers  # a .gz file arrives as the .gz file
    assert response.content == data


def test_range_requests_return_the_bytes_asked_for(client: Client, settings: Settings) -> None:
    data = (settings.dumps_dir / "ilrs.nt").read_bytes()
    response = client.get("/dumps/ilrs.nt", headers={"Range": "bytes=10-29"})
    assert response.status_code == 206
    assert response.content == data[10:30]
    assert response.headers["content-range"] == f"bytes 10-29/{len(data)}"
    tail = client.get("/dumps/ilrs.nt", headers={"Range": "bytes=-5"})
    assert tail.status_code == 206 and tail.content == data[-5:]
    beyond = client.get("/dumps/ilrs.nt", headers={"Range": f"bytes={len(data) + 10}-"})
    assert beyond.status_code == 416


def test_a_resumed_download_with_a_stale_etag_gets_the_whole_new_file(client: Client) -> None:
    response = client.get("/dumps/ilrs.nt", headers={"Range": "bytes=0-9", "If-Range": '"not-the-etag"'})
    assert response.status_code == 200
    assert int(response.headers["content-length"]) > 10


def test_conditional_get_with_the_current_etag_is_304(client: Client) -> None:
    etag = client.get("/dumps/ilrs.ttl").headers["etag"]
    response = client.get("/dumps/ilrs.ttl", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert client.get("/dumps/ilrs.ttl", headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_gives_the_headers_without_the_body(client: Client, settings: Settings) -> None:
    response = client.head("/dumps/ilrs-neo4j.zip")
    assert response.status_code == 200
    assert response.headers["content-length"] == str((settings.dumps_dir / "ilrs-neo4j.zip").stat().st_size)
    assert response.content == b""


@pytest.mark.parametrize("name", ["nothing.ttl", "..%2Fstore%2FBUILD_INFO.json", "catalog.json"])
def test_only_catalogued_files_are_served(client: Client, name: str) -> None:
    response = client.get(f"/dumps/{name}")
    assert response.status_code == 404


def test_a_listing_before_any_build_says_so(tmp_path: Path) -> None:
    empty = Client(Settings(root=FIXTURE, build_dir=tmp_path))
    assert empty.get("/dumps/", headers={"Accept": "application/json"}).json() == []
    assert "No dumps have been produced yet" in empty.get("/dumps/").text
    assert empty.get("/dumps/ilrs.ttl").status_code == 404


def test_listing_urls_follow_the_host_the_client_asked(settings: Settings) -> None:
    response = Client(settings, "http://dumps.example").get("/dumps/", {"Accept": "application/json"})
    assert response.json()[0]["url"] == "http://dumps.example/dumps/ilrs.ttl"

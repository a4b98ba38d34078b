"""Source files: which files count, and which graph each statement of a Turtle or TriG file goes to."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ilrs_kg.errors import SourceSyntaxError
from ilrs_kg.settings import Settings
from ilrs_kg.sources import SourceFile, graph_files, parse_file

FILE_GRAPH = "https://example.org/graph/file"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_trig_keeps_its_named_graphs_and_sends_the_rest_to_the_file_graph(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "data" / "x.trig",
        "@prefix : <http://example.org/> .\n:a :b :c .\nGRAPH :g { :a :b :d }\n",
    )
    quads = {(q.object.value, q.graph_name) for q in parse_file(SourceFile(path, FILE_GRAPH))}
    assert quads == {
        ("http://example.org/c", ox.NamedNode(FILE_GRAPH)),
        ("http://example.org/d", ox.NamedNode("http://example.org/g")),
    }


def test_turtle_goes_to_the_file_graph(tmp_path: Path) -> None:
    path = _write(tmp_path / "data" / "x.ttl", "<http://example.org/a> <http://example.org/b> 1 .\n")
    [quad] = parse_file(SourceFile(path, FILE_GRAPH))
    assert quad.graph_name == ox.NamedNode(FILE_GRAPH)


def test_trig_and_turtle_files_are_both_graph_files_and_nothing_else_is(tmp_path: Path) -> None:
    for name in ("a.ttl", "b.trig", "notes.md", "c.ttl.bak"):
        _write(tmp_path / "data" / name, "")
    names = [f.path.name for f in graph_files(Settings(root=tmp_path))]
    assert names == ["a.ttl", "b.trig"]


def test_a_trig_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "data" / "bad.trig", "@prefix : <http://example.org/> .\nGRAPH :g { :a :b }\n")
    with pytest.raises(SourceSyntaxError) as caught:
        list(parse_file(SourceFile(path, FILE_GRAPH)))
    assert caught.value.path == path
    assert caught.value.line == 2

"""Dumps and exports of the graph: RDF in six syntaxes, the ontology and shapes, and property graphs for
Gephi, yEd, Cytoscape, NetworkX and Neo4j.

    produce_all(settings, store)       write every file into settings.dumps_dir (the build calls this)
    list_dumps(settings)               the produced files: name, media type, is_rdf, bytes, sha256
    dump_formats()                     every file a build produces, whether or not it exists yet
    build_router(settings)             the `/dumps/` routes, for the app to include (imported on first
                                       use: the processes that render pages import no web framework)
"""

from typing import Any

from ilrs_kg.exports.catalog import DumpFile, DumpFormat, Scope, dump_formats, list_dumps
from ilrs_kg.exports.files import ExportError
from ilrs_kg.exports.graph_model import PropertyGraph
from ilrs_kg.exports.produce import export_format, export_to_file, produce_all
from ilrs_kg.exports.property_graph import build_property_graph

__all__ = [
    "DumpFile",
    "DumpFormat",
    "ExportError",
    "PropertyGraph",
    "Scope",
    "build_property_graph",
    "build_router",
    "dump_formats",
    "export_format",
    "export_to_file",
    "list_dumps",
    "produce_all",
]


def __getattr__(name: str) -> Any:
    if name == "build_router":
        from ilrs_kg.exports.routes import build_router

        return build_router
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

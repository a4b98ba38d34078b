"""The SPARQL 1.1 endpoint: protocol, content negotiation, query backends, query UI.

What other parts of the package use: a QueryBackend (and its two implementations) to ask queries,
`select`/`construct` to get terms back, and SparqlEndpoint, the ASGI app served at /sparql.
"""

from ilrs_kg.sparql.backend import InProcessBackend, QueryBackend, construct, select
from ilrs_kg.sparql.jobs import QueryJob, QueryResult
from ilrs_kg.sparql.limits import Limits

__all__ = [
    "InProcessBackend",
    "Limits",
    "QueryBackend",
    "QueryJob",
    "QueryResult",
    "construct",
    "select",
]

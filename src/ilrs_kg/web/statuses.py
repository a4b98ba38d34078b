"""The one place that maps the package's errors (ilrs_kg.errors) to HTTP statuses and headers, for every
route: /sparql, the linked-data pages, /dumps/, and the framework's own 404 and 405 (ilrs_kg.app hands
those to this table too). ilrs_kg.web.errors renders the error for whoever asked.

Client mistakes are 4xx and say what was wrong; only a fault of the server itself is a 5xx.
- A `?format=` value (or a file extension) that names no format on offer is 406, as an Accept header
  naming none is, on every route: both are the client's statement of which representation it wants,
  the answer is the same ("not this one; these are on offer"), and /sparql, whose SPARQL clients
  (SPARQLWrapper) send a media type as `format=`, has always answered 406.
  400 would say the request is malformed, which it is not.
- An address where nothing is (an unknown path, entity, class, ontology version or dump file) is 404;
  a method the address does not answer is 405 with Allow.
- A timed-out query is 503, as Fuseki and GraphDB answer: the service declined to spend more time on
  it. 504 would blame an upstream gateway; 408 would blame the client for sending slowly.
- A query that crashed the engine is 400: in practice the parser overflowing on deep nesting.
- A result over the size limit is 422: the query is understood but asks for more than is served.
- A request whose head or body stops arriving is 408 (the client sent too slowly), and the connection is
  closed; a URL over the limit is 414 and an oversized header block 431 (RFC 6585); a full HTTP process
  is 503 with Retry-After.
- A client with as many queries in flight as it may have gets 429, with Retry-After.
- A page whose rendering failed, or stopped its worker process, is 500: a fault of the server, not of
  the request (a page that takes too long is 503, as a query is).
- A worker killed from outside while evaluating the query (not a crash the query caused) is 503
  with Retry-After: the same query will most likely succeed when sent again.
"""

from __future__ import annotations

from ilrs_kg.errors import (
    BadRequest,
    ClientBusy,
    HeadersTooLarge,
    IlrsKgError,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    PageFailed,
    QueryCrashed,
    QueryFailed,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooDeep,
    QueryTooLarge,
    RequestTimeout,
    ResultTooLarge,
    ServiceBusy,
    SourceSyntaxError,
    StoreError,
    TooManyConnections,
    UnsupportedMediaType,
    UpdateRefused,
    UrlTooLong,
    ValidationFailed,
)

# Most specific first: the first class the error is an instance of decides.
_STATUSES: tuple[tuple[type[IlrsKgError], int], ...] = (
    (BadRequest, 400),
    (UnsupportedMediaType, 415),
    (NotAcceptable, 406),  # UnknownFormat included
    (NotFound, 404),
    (MethodNotAllowed, 405),
    (RequestTimeout, 408),
    (UrlTooLong, 414),
    (HeadersTooLarge, 431),
    (TooManyConnections, 503),
    (QuerySyntaxError, 400),
    (UpdateRefused, 403),
    (QueryRefused, 400),
    (QueryTooDeep, 400),
    (ResultTooLarge, 422),
    (QueryTooLarge, 413),
    (QueryCrashed, 400),
    (ClientBusy, 429),
    (QueryTimeout, 503),
    (ServiceBusy, 503),
    (StoreError, 503),
    (QueryFailed, 500),
    (PageFailed, 500),
    (SourceSyntaxError, 500),
    (ValidationFailed, 500),
)


def status_for(error: IlrsKgError) -> int:
    """The status of `error`: the first class in the table it is an instance of; 500 for none."""
    for cls, status in _STATUSES:
        if isinstance(error, cls):
            return status
    return 500


def headers_for(error: IlrsKgError) -> dict[str, str]:
    """Headers the status calls for: Allow with 405, Retry-After when trying again soon may work."""
    if isinstance(error, MethodNotAllowed):
        return {"Allow": ", ".join(error.allowed)}
    if isinstance(error, ServiceBusy | TooManyConnections | ClientBusy):
        return {"Retry-After": "1"}
    if isinstance(error, RequestTimeout):
        return {"Connection": "close"}
    return {}

"""The package's exception tree.

    IlrsKgError
    ├── SourceSyntaxError      a Turtle file does not parse (file, line, column)
    ├── RuleError              a derivation rule (rules/*.rq) cannot be run, or derives nothing (file, why)
    ├── ValidationFailed       the graph does not conform to the shapes (carries the report)
    ├── StoreError             the on-disk store is missing, locked or unreadable
    ├── ExportError            an export cannot be written (the output path is unusable); in exports.files
    ├── RequestError           an HTTP request that cannot be taken as sent (client's mistake)
    │   ├── BadRequest         a parameter missing, repeated or malformed; a body that is not UTF-8
    │   ├── UnsupportedMediaType  the body's Content-Type is not one the endpoint reads
    │   ├── NotAcceptable      no format on offer matches the Accept header (names those on offer)
    │   │   └── UnknownFormat  a `?format=` value or file extension names no format on offer here
    │   ├── NotFound           nothing is at this address (an unknown path, entity, class or file)
    │   ├── MethodNotAllowed   the method is not one the resource answers (names those allowed)
    │   ├── RequestTimeout     the request's head or body did not arrive within its time limit
    │   ├── UrlTooLong         the request target is longer than the URL limit (a query should be POSTed)
    │   └── HeadersTooLarge    the header block is too large or has too many fields
    ├── TooManyConnections     the HTTP process holds as many connections as it takes
    ├── PageFailed             rendering a page failed or stopped its worker process (a server fault)
    └── QueryError             a SPARQL request cannot be answered
        ├── QuerySyntaxError   the query does not parse (client's mistake)
        ├── QueryRefused       the query asks for something this service never does (SERVICE, LOAD)
        │   └── UpdateRefused  SPARQL Update: the service is read-only
        ├── QueryTimeout       evaluation ran past the time limit
        ├── QueryTooLarge      the request, query or result exceeds a documented limit
        │   ├── QueryTooDeep   brackets nest deeper than the parser can safely take
        │   └── ResultTooLarge the serialized result exceeds the limit
        ├── QueryCrashed       evaluating the query killed the engine's process (e.g. parser stack overflow)
        ├── ServiceBusy        every query worker stayed busy past the wait limit
        │   └── WorkerLost     the worker evaluating the query was killed from outside: retry
        ├── ClientBusy         the client has as many queries in flight as it may (429)
        └── QueryFailed        evaluation failed for a reason that is not the client's (a server fault)

HTTP statuses for these are chosen in one place: ilrs_kg.web.statuses.
"""

from __future__ import annotations

from pathlib import Path


class IlrsKgError(Exception):
    """Base of every error this package raises on purpose."""


class SourceSyntaxError(IlrsKgError):
    def __init__(self, path: Path, line: int | None, column: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        where = str(path)
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class RuleError(IlrsKgError):
    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"derivation rule {where}: {message}")


class ValidationFailed(IlrsKgError):
    def __init__(self, report_text: str, violation_count: int) -> None:
        self.report_text = report_text
        self.violation_count = violation_count
        super().__init__(f"the graph does not conform: {violation_count} violation(s)\n{report_text}")


class StoreError(IlrsKgError):
    pass


class RequestError(IlrsKgError):
    pass


class BadRequest(RequestError):
    pass


class UnsupportedMediaType(RequestError):
    pass


class NotAcceptable(RequestError):
    def __init__(self, wanted: str, offered: tuple[str, ...]) -> None:
        self.wanted = wanted
        self.offered = offered
        super().__init__(f"no format on offer matches {wanted}; on offer: {', '.join(offered)}")


class UnknownFormat(NotAcceptable):
    def __init__(self, requested: str, offered: tuple[str, ...]) -> None:
        self.requested = requested
        super().__init__(f"format={requested}", offered)


class NotFound(RequestError):
    pass


class MethodNotAllowed(RequestError):
    def __init__(self, method: str, allowed: tuple[str, ...]) -> None:
        self.method = method
        self.allowed = allowed
        super().__init__(f"method {method} is not allowed here; use {', '.join(allowed)}")


class RequestTimeout(RequestError):
    pass


class UrlTooLong(RequestError):
    pass


class HeadersTooLarge(RequestError):
    pass


class TooManyConnections(IlrsKgError):
    pass


class PageFailed(IlrsKgError):
    pass


class QueryError(IlrsKgError):
    pass


class QuerySyntaxError(QueryError):
    pass


class QueryRefused(QueryError):
    pass


class QueryTimeout(QueryError):
    pass


class QueryTooLarge(QueryError):
    pass


class UpdateRefused(QueryRefused):
    pass


class QueryTooDeep(QueryTooLarge):
    pass


class ResultTooLarge(QueryTooLarge):
    pass


class QueryCrashed(QueryError):
    pass


class ServiceBusy(QueryError):
    pass


class WorkerLost(ServiceBusy):
    pass


class ClientBusy(QueryError):
    pass


class QueryFailed(QueryError):
    pass

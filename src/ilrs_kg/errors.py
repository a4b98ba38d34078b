"""The package's exception tree.

    IlrsKgError
    ├── SourceSyntaxError      a Turtle file does not parse (file, line, column)
    ├── ValidationFailed       the graph does not conform to the shapes (carries the report)
    ├── StoreError             the on-disk store is missing, locked or unreadable
    └── QueryError             a SPARQL request cannot be answered
        ├── QuerySyntaxError   the query does not parse (client's mistake)
        ├── QueryRefused       the query asks for something this service never does (update, SERVICE, LOAD)
        ├── QueryTimeout       evaluation ran past the time limit
        └── QueryTooLarge      the request, query or result exceeds a documented limit
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


class ValidationFailed(IlrsKgError):
    def __init__(self, report_text: str, violation_count: int) -> None:
        self.report_text = report_text
        self.violation_count = violation_count
        super().__init__(f"the graph does not conform: {violation_count} violation(s)\n{report_text}")


class StoreError(IlrsKgError):
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

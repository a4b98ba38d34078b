"""What the endpoint answers in, by query form, from the one registry (ilrs_kg.web.formats).

SELECT and ASK answer in SPARQL results formats (JSON by default); CONSTRUCT and DESCRIBE answer in
RDF formats (Turtle by default), datasets included.
"""

from __future__ import annotations

from enum import Enum
from typing import IO

import pyoxigraph as ox

from ilrs_kg.web.formats import DATASET_FORMATS, GRAPH_FORMATS, RESULTS_FORMATS, Offer

SOLUTIONS = Offer(RESULTS_FORMATS)
GRAPHS = Offer((*GRAPH_FORMATS, *DATASET_FORMATS))


class QueryForm(Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


def offer_for(form: QueryForm | None) -> Offer:
    return GRAPHS if form is not None and form.returns_graph else SOLUTIONS


# ASK answers in CSV and TSV, which the results spec defines only for SELECT: the one-column table
# Apache Jena writes and reads back as a boolean (`_askResult`, in TSV `?_askResult`), so Jena gets its
# boolean and table readers (rdflib, spreadsheets) get one row holding the answer, not an empty table.
_BOOLEAN_TABLES = {
    "text/csv": ("_askResult", "\r\n"),
    "text/tab-separated-values": ("?_askResult", "\n"),
}


def boolean_table(answer: bool, media_type: str) -> bytes | None:
    """An ASK answer as the CSV or TSV table above; None for the formats that have a boolean form."""
    found = _BOOLEAN_TABLES.get(media_type.split(";")[0].strip())
    if found is None:
        return None
    header, end = found
    return f"{header}{end}{'true' if answer else 'false'}{end}".encode()


def write_results(
    result: ox.QuerySolutions | ox.QueryBoolean, sink: IO[bytes], fmt: ox.QueryResultsFormat
) -> None:
    """SELECT or ASK results in `fmt`, ASK in CSV and TSV as the table above (endpoint and CLI alike)."""
    table = boolean_table(bool(result), fmt.media_type) if isinstance(result, ox.QueryBoolean) else None
    if table is not None:
        sink.write(table)
    else:
        result.serialize(sink, fmt)

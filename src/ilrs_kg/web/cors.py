"""Cross-origin reads: every front answers any origin (the data is public and nothing is keyed to a
cookie), and lets scripts read the headers a linked-data client follows."""

from __future__ import annotations

from ilrs_kg.web.reply import Headers, Reply, Request

EXPOSED = ("Content-Location", "Data-Version", "ETag", "Last-Modified", "Link", "Location", "Vary")
CORS: Headers = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", ", ".join(EXPOSED)),
)


def preflight(request: Request, allowed: tuple[str, ...], common: Headers = ()) -> Reply:
    """The answer to OPTIONS: Allow, and for a CORS preflight the methods and headers it may use."""
    if request.header("access-control-request-method") is None:
        return Reply(204, (*common, *CORS, ("Allow", ", ".join(allowed))))
    asked = request.header("access-control-request-headers")
    return Reply(
        204,
        (
            *common,
            *CORS,
            ("Access-Control-Allow-Methods", ", ".join(allowed)),
            ("Access-Control-Allow-Headers", asked or "Accept, Content-Type, If-None-Match"),
            ("Access-Control-Max-Age", "86400"),
        ),
    )

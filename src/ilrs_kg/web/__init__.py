"""The web core below the three fronts (SPARQL, linked data, exports): what every page and reply shares.

reply        Request and Reply, plain picklable values: `handler(Request, **path_params) -> Reply`
asgi         the only ASGI code: read a Request, send a Reply, serve a handler as a route
formats      the one format registry (on pyoxigraph's) and `choose()`: override, Accept, 406
statuses     the one table from error to HTTP status and headers
errors       every error rendered for the asker: HTML in the frame, JSON, or text
iris         where a canonical IRI lives on the running server, and back
validators   ETags, Last-Modified and 304s
cors         cross-origin headers and preflight
frame        the one page frame (site header, language switch, footer) and its Jinja environment
languages    which language a reader gets
"""

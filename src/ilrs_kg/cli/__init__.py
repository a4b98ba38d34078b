"""`ilrs-kg` command line: validate, build, query, stats, serve, export, publish.

One module per concern: `main` (the parser and the graph commands), `serve`, `export`, `publish`, and
`common` (what they share), which is why none of them imports another's parser.
"""

from ilrs_kg.cli.main import build_parser, main

__all__ = ["build_parser", "main"]

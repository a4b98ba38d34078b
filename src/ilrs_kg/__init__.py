"""ILRS knowledge graph: ontology, sourced data, shapes, and the services that publish them."""

from ilrs_kg.settings import Settings

__all__ = ["Settings"]
__version__ = "0.1.0"

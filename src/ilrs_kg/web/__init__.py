"""The web core below the three fronts (SPARQL, linked data, exports): what every page and reply shares."""

"""The web console: its routes, its shipped front-end build, and the build's provenance."""

"""Resolver runtimes (VTL, PYTHON) and data sources."""

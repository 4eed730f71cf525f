"""Resolver runtimes: VTL and PYTHON."""

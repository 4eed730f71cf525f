"""Benchmarks: each prints figures and ratios against a baseline measured in the same run.

Run as `python -m bench.NAME` (scripts/bench), never as tests.
"""

"""Tests for resolvers: unit and pipeline resolvers, the PYTHON runtime, NONE and AWS_LAMBDA."""

"""Unit tests of the definition package."""

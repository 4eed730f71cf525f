"""Unit tests of the appsync package."""

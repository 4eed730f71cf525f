"""Unit tests of the appsync.yaml reader."""

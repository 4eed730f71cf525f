"""Unit tests of appsync.aws, the one local AWS endpoint."""

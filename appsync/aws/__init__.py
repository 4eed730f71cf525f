"""The one local AWS endpoint: the AWS APIs the server answers on its own port, by service."""

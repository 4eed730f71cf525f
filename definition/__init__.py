"""The API definition: its typed model, and the readers that produce it from a file."""

"""The reader of our own definition file, `appsync.yaml` (or JSON): one parser per block."""

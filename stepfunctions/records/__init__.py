"""The records an execution leaves: what the runtime writes, the store keeps and the service
describes (executions, Map Runs, history events)."""

"""The records the runtime writes, the store keeps and the service describes: executions, Map
Runs, history events, task tokens as journaled, state machines with their versions and aliases,
and activities."""

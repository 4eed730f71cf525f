"""Where the service keeps state machines, activities and executions: the Store protocol, the
memory store, and the SQLite store with its rows."""

"""The pytest plugin: a local AppSync API per test, module or session, a clock tests move, and
state they reset (the `appsync_local` fixtures, entry point `pytest11`)."""

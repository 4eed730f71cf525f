"""The runtime: the interpreter that drives executions, the states it runs, Retry and Catch,
task tokens, the clock, the context object and the replay of a resumed execution."""

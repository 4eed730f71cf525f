"""The Step Functions service: the AWS JSON 1.0 operations (state machines, executions, activities,
aliases, TestState) over the runtime and a store."""

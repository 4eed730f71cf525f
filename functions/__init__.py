"""The local Lambda runtime: warm worker processes for Python and Node.js functions, with Lambda's
event, context, environment, errors and logs. Imports no other package of ours."""

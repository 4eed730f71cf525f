"""What `@aws-appsync/utils` gives resolver code (`$util` / `util`, the DynamoDB module
functions), implemented once and shared by the resolver runtimes."""

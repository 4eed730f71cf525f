"""The APPSYNC_JS runtime: ES module resolvers run in an embedded JavaScript engine."""

"""$util / util helpers shared by the resolver runtimes."""

"""The States Language: definitions parsed into a typed model, and the pure functions of JSON
that evaluate its paths, templates, intrinsics, JSONata and Choice rules. No asyncio, no I/O."""

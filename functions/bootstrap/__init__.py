"""The worker scripts a function's process runs: Python and Node.js (package data)."""

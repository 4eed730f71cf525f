"""Authentication and authorization for every AppSync auth mode; framework-free."""

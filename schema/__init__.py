"""SDL to an executable schema, AppSync flavour."""

"""CloudFormation templates read into the definition model: intrinsic functions, parameters,
conditions and local names (the engine other readers reuse), and one reader per resource kind."""

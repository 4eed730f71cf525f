"""Data sources: NONE, AWS_LAMBDA, AMAZON_DYNAMODB, HTTP, Step Functions."""

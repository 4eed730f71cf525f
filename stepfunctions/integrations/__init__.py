"""Service integrations for Task states; the only part of the engine that may import boto3."""

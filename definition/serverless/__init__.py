"""The Serverless Framework: a service file and serverless-appsync-plugin's API in it."""

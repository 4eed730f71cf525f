// PostConfirmation: the user's profile, written to DynamoDB with the AWS SDK for JavaScript v3
// (Lambda's Node.js runtimes include it), keyed by the user's sub.
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";

const client = new DynamoDBClient({});

export const handler = async (event) => {
  const attributes = event.request.userAttributes;
  await client.send(
    new PutItemCommand({
      TableName: process.env.PROFILES,
      Item: {
        id: { S: attributes.sub },
        email: { S: attributes.email },
        source: { S: `${event.triggerSource}:${attributes["cognito:user_status"]}` },
      },
    }),
  );
  return event;
};

// Counts its calls for each order in the index (the AWS SDK for JavaScript v3, which Lambda's
// Node.js runtimes include) and reports the orders marked `broken` as failed batch items.
import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";

const client = new DynamoDBClient({});

export const handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    const item = record.dynamodb.NewImage;
    await client.send(
      new UpdateItemCommand({
        TableName: process.env.INDEX,
        Key: { id: { S: `order#${item.id.S}` } },
        UpdateExpression: "ADD calls :one",
        ExpressionAttributeValues: { ":one": { N: "1" } },
      }),
    );
    if (item.broken?.BOOL) {
      batchItemFailures.push({ itemIdentifier: record.dynamodb.SequenceNumber });
    }
  }
  return { batchItemFailures };
};

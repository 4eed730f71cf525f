// Likes of posts, counted in the embedded DynamoDB with the AWS SDK for JavaScript v3, which
// Lambda's Node.js runtimes include (appsync-local resolves it from its SDK directory, which
// ./scripts/run fills). The SDK reaches the server's own AWS endpoint: AWS_ENDPOINT_URL is set.
import { BatchGetItemCommand, DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";

const client = new DynamoDBClient({});
const TABLE = process.env.LIKES_TABLE;

// Mutation.likePost: one more like, and the new count.
async function like(postId) {
  const { Attributes } = await client.send(
    new UpdateItemCommand({
      TableName: TABLE,
      Key: { postId: { S: postId } },
      UpdateExpression: "ADD likes :one",
      ExpressionAttributeValues: { ":one": { N: "1" } },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  return Number(Attributes.likes.N);
}

// Post.likes, batched (BatchInvoke): one count per event, in the events' order.
async function counts(postIds) {
  const keys = [...new Set(postIds)].map((postId) => ({ postId: { S: postId } }));
  const { Responses } = await client.send(
    new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: keys } } }),
  );
  const found = new Map(Responses[TABLE].map((item) => [item.postId.S, Number(item.likes.N)]));
  return postIds.map((postId) => found.get(postId) ?? 0);
}

export const handler = async (event) =>
  Array.isArray(event) ? counts(event.map((each) => each.source.id)) : like(event.arguments.postId);

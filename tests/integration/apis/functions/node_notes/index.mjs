// Notes in the embedded DynamoDB, through the AWS SDK for JavaScript v3, which Lambda's Node.js
// runtimes include (here from the SDK directory); AWS_ENDPOINT_URL is the server's endpoint.
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";

const client = new DynamoDBClient({});
const TABLE = process.env.NOTES_TABLE;

async function get(id) {
  const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } } }));
  return Item ? { id: Item.id.S, text: Item.text.S, by: Item.by.S } : null;
}

async function put(id, text) {
  const Item = { id: { S: id }, text: { S: text }, by: { S: "node" } };
  await client.send(new PutItemCommand({ TableName: TABLE, Item }));
  return get(id);
}

async function answer(event) {
  if ("action" in event) {
    return event.action === "put" ? put(event.id, event.text) : get(event.id);
  }
  return get(event.info.parentTypeName === "NoteRef" ? event.source.id : event.arguments.id);
}

export const handler = async (event) =>
  Array.isArray(event) ? Promise.all(event.map(answer)) : answer(event);

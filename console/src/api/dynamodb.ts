// DynamoDB data for the views, through the console API (operations.graphql): one function per
// DynamoDB operation, items in DynamoDB JSON as the API sends them.
import type { ConsoleClient } from "./client";
import type { Item, ItemPage, ListTablesInput, QueryInput, ScanInput, StreamRecord, TableDescription } from "./types";

export async function listTables(client: ConsoleClient, input: ListTablesInput = {}) {
  const data = await client.request<{ listTables: { TableNames: string[]; LastEvaluatedTableName: string | null } }>(
    "ListTables",
    { input: { Limit: 100, ...input } },
  );
  return data.listTables;
}

export async function describeTable(client: ConsoleClient, TableName: string): Promise<TableDescription> {
  const data = await client.request<{ describeTable: { Table: TableDescription } }>("DescribeTable", { TableName });
  return data.describeTable.Table;
}

export async function scan(client: ConsoleClient, input: ScanInput): Promise<ItemPage> {
  const data = await client.request<{ scan: ItemPage }>("Scan", { input });
  return data.scan;
}

export async function query(client: ConsoleClient, input: QueryInput): Promise<ItemPage> {
  const data = await client.request<{ query: ItemPage }>("Query", { input });
  return data.query;
}

/** The whole item: a scan or query of an index may have projected only some attributes. */
export async function getItem(client: ConsoleClient, TableName: string, Key: Item): Promise<Item | null> {
  const data = await client.request<{ getItem: { Item: Item | null } }>("GetItem", { input: { TableName, Key } });
  return data.getItem.Item;
}

export async function putItem(client: ConsoleClient, TableName: string, Item: Item) {
  await client.request("PutItem", { input: { TableName, Item } });
}

export async function deleteItem(client: ConsoleClient, TableName: string, Key: Item) {
  await client.request("DeleteItem", { input: { TableName, Key } });
}

export async function* subscribeTable(client: ConsoleClient, TableName: string): AsyncGenerator<StreamRecord> {
  for await (const data of client.subscribe<{ onTableRecord: StreamRecord }>("OnTableRecord", { TableName })) {
    yield data.onTableRecord;
  }
}

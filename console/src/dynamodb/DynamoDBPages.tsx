// The DynamoDB pages: tables, and one table's items by scan or by query on the table's key or
// an index, a page at a time (LastEvaluatedKey -> ExclusiveStartKey), with create, edit and
// delete. Data comes from api/dynamodb.ts; items change live through the table's stream records.
import { useEffect, useId, useState } from "react";
import type { ConsoleClient } from "../api/client";
import * as ddb from "../api/dynamodb";
import type { AttributeValue, Item, ItemPage, TableDescription } from "../api/types";
import { AsyncView, ErrorPanel } from "../shell/Status";
import { useAsync } from "../shell/useAsync";
import { ItemEditor } from "./ItemEditor";
import { keyOf } from "./json";
import { ItemsTable, keyNames, TableSummary } from "./TableView";

export const tableHref = (name: string) => `#/dynamodb/table/${encodeURIComponent(name)}`;

export function TableList({ client }: { client: ConsoleClient }) {
  const state = useAsync(async () => {
    const names = (await ddb.listTables(client)).TableNames;
    return Promise.all(names.map((name) => ddb.describeTable(client, name)));
  }, [client]);
  return (
    <section aria-labelledby="tables-heading">
      <div className="section-header">
        <h2 id="tables-heading">DynamoDB tables</h2>
        <button type="button" onClick={state.reload}>
          Refresh
        </button>
      </div>
      <AsyncView state={state}>
        {(tables) =>
          tables.length === 0 ? (
            <p className="muted">No tables. Declare them under server.dynamodb.tables.</p>
          ) : (
            <table className="data" aria-label="Tables">
              <thead>
                <tr>
                  <th scope="col">Table</th>
                  <th scope="col">Partition key</th>
                  <th scope="col">Sort key</th>
                  <th scope="col">Indexes</th>
                  <th scope="col">Items</th>
                </tr>
              </thead>
              <tbody>
                {tables.map((table) => {
                  const [hash, range] = keyNames(table);
                  const indexes = [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])];
                  return (
                    <tr key={table.TableName}>
                      <td>
                        <a href={tableHref(table.TableName)}>{table.TableName}</a>
                      </td>
                      <td className="mono">{hash ?? ""}</td>
                      <td className="mono">{range ?? "–"}</td>
                      <td>{indexes.map((index) => index.IndexName).join(", ") || "–"}</td>
                      <td>{table.ItemCount ?? "–"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </section>
  );
}

type SortOperator = "=" | "<" | "<=" | ">" | ">=" | "begins_with" | "between";

interface Search {
  mode: "scan" | "query";
  index: string;
  partition: string;
  sortOperator: SortOperator | "";
  sortValue: string;
  sortValue2: string;
}

function typed(table: TableDescription, name: string, text: string): AttributeValue {
  const type = table.AttributeDefinitions.find((d) => d.AttributeName === name)?.AttributeType ?? "S";
  return type === "N" ? { N: text } : type === "B" ? { B: text } : { S: text };
}

function keySchemaOf(table: TableDescription, index: string) {
  if (!index) return table.KeySchema;
  const all = [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])];
  return all.find((i) => i.IndexName === index)?.KeySchema ?? table.KeySchema;
}

function request(table: TableDescription, search: Search, start: Item | null) {
  const base = { TableName: table.TableName, IndexName: search.index || null, Limit: 50, ExclusiveStartKey: start };
  if (search.mode === "scan") return { kind: "scan" as const, input: base };
  const schema = keySchemaOf(table, search.index);
  const hash = schema.find((k) => k.KeyType === "HASH")!.AttributeName;
  const range = schema.find((k) => k.KeyType === "RANGE")?.AttributeName;
  const names: Record<string, string> = { "#pk": hash };
  const values: Item = { ":pk": typed(table, hash, search.partition) };
  let expression = "#pk = :pk";
  if (range && search.sortOperator && search.sortValue !== "") {
    names["#sk"] = range;
    values[":sk"] = typed(table, range, search.sortValue);
    if (search.sortOperator === "begins_with") expression += " AND begins_with(#sk, :sk)";
    else if (search.sortOperator === "between") {
      values[":sk2"] = typed(table, range, search.sortValue2);
      expression += " AND #sk BETWEEN :sk AND :sk2";
    } else expression += ` AND #sk ${search.sortOperator} :sk`;
  }
  return {
    kind: "query" as const,
    input: { ...base, KeyConditionExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: values },
  };
}

function SearchForm({ table, onSearch }: { table: TableDescription; onSearch(search: Search): void }) {
  const id = useId();
  const [search, setSearch] = useState<Search>({ mode: "scan", index: "", partition: "", sortOperator: "", sortValue: "", sortValue2: "" });
  const set = (patch: Partial<Search>) => setSearch({ ...search, ...patch });
  const schema = keySchemaOf(table, search.index);
  const hash = schema.find((k) => k.KeyType === "HASH")?.AttributeName ?? "";
  const range = schema.find((k) => k.KeyType === "RANGE")?.AttributeName;
  const indexes = [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])];
  return (
    <form
      className="search-form"
      aria-label="Scan or query"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(search);
      }}
    >
      <div role="radiogroup" aria-label="Operation" className="segmented">
        {(["scan", "query"] as const).map((mode) => (
          <label key={mode}>
            <input type="radio" name={`${id}-mode`} checked={search.mode === mode} onChange={() => set({ mode })} />
            {mode === "scan" ? "Scan" : "Query"}
          </label>
        ))}
      </div>
      <span className="field">
        <label htmlFor={`${id}-index`}>Table or index</label>
        <select id={`${id}-index`} value={search.index} onChange={(event) => set({ index: event.target.value })}>
          <option value="">{table.TableName} (table)</option>
          {indexes.map((index) => (
            <option key={index.IndexName} value={index.IndexName}>
              {index.IndexName}
            </option>
          ))}
        </select>
      </span>
      {search.mode === "query" && (
        <>
          <span className="field">
            <label htmlFor={`${id}-pk`}>{hash} (partition key) =</label>
            <input id={`${id}-pk`} required value={search.partition} onChange={(event) => set({ partition: event.target.value })} />
          </span>
          {range && (
            <>
              <span className="field">
                <label htmlFor={`${id}-op`}>{range} (sort key)</label>
                <select id={`${id}-op`} value={search.sortOperator} onChange={(event) => set({ sortOperator: event.target.value as SortOperator | "" })}>
                  <option value="">any</option>
                  {(["=", "<", "<=", ">", ">=", "begins_with", "between"] as SortOperator[]).map((op) => (
                    <option key={op} value={op}>
                      {op}
                    </option>
                  ))}
                </select>
              </span>
              {search.sortOperator && (
                <span className="field">
                  <label htmlFor={`${id}-sk`}>Value</label>
                  <input id={`${id}-sk`} value={search.sortValue} onChange={(event) => set({ sortValue: event.target.value })} />
                </span>
              )}
              {search.sortOperator === "between" && (
                <span className="field">
                  <label htmlFor={`${id}-sk2`}>and</label>
                  <input id={`${id}-sk2`} value={search.sortValue2} onChange={(event) => set({ sortValue2: event.target.value })} />
                </span>
              )}
            </>
          )}
        </>
      )}
      <button type="submit">Run</button>
    </form>
  );
}

export function TablePage({ client, tableName }: { client: ConsoleClient; tableName: string }) {
  const table = useAsync(() => ddb.describeTable(client, tableName), [client, tableName]);
  const [search, setSearch] = useState<Search>({ mode: "scan", index: "", partition: "", sortOperator: "", sortValue: "", sortValue2: "" });
  const [starts, setStarts] = useState<(Item | null)[]>([null]);
  const [page, setPage] = useState<ItemPage | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [editing, setEditing] = useState<Item | "new" | null>(null);
  const [changes, setChanges] = useState(0);

  const run = async (description: TableDescription, current: Search, start: Item | null) => {
    try {
      const built = request(description, current, start);
      setPage(built.kind === "scan" ? await ddb.scan(client, built.input) : await ddb.query(client, built.input));
      setError(null);
    } catch (runError) {
      setError(runError instanceof Error ? runError : new Error(String(runError)));
    }
  };

  useEffect(() => {
    if (table.value) void run(table.value, search, starts[starts.length - 1]);
  }, [table.value, search, starts, changes]);

  useEffect(() => {
    const stream = ddb.subscribeTable(client, tableName);
    let open = true;
    void (async () => {
      try {
        for await (const _record of stream) {
          if (!open) break;
          setChanges((n) => n + 1);
        }
      } catch {
        // Without live records the page still reloads after its own writes.
      }
    })();
    return () => {
      open = false;
      void stream.return(undefined);
    };
  }, [client, tableName]);

  return (
    <section aria-labelledby="table-heading">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href="#/dynamodb">Tables</a> / <span>{tableName}</span>
      </nav>
      <h2 id="table-heading">{tableName}</h2>
      <AsyncView state={table}>
        {(description) => (
          <>
            <TableSummary table={description} />
            <SearchForm
              table={description}
              onSearch={(next) => {
                setSearch(next);
                setStarts([null]);
              }}
            />
            {error && <ErrorPanel error={error} />}
            <div className="section-header">
              <h3>
                Items {page ? `(${page.Count} returned, ${page.ScannedCount} scanned, page ${starts.length})` : ""}
              </h3>
              <div className="actions">
                <button type="button" onClick={() => setEditing("new")}>
                  Create item
                </button>
                <button type="button" disabled={starts.length <= 1} onClick={() => setStarts(starts.slice(0, -1))}>
                  Previous page
                </button>
                <button type="button" disabled={!page?.LastEvaluatedKey} onClick={() => setStarts([...starts, page!.LastEvaluatedKey])}>
                  Next page
                </button>
              </div>
            </div>
            {editing && (
              <ItemEditor
                key={editing === "new" ? "new" : JSON.stringify(editing)}
                item={editing === "new" ? null : editing}
                keyNames={keyNames(description)}
                onCancel={() => setEditing(null)}
                onSave={async (item) => {
                  await ddb.putItem(client, tableName, item);
                  setEditing(null);
                  setChanges((n) => n + 1);
                }}
              />
            )}
            {page && (
              <ItemsTable
                table={description}
                items={page.Items}
                onEdit={async (item) => {
                  // Edit what the table holds, not what the page shows: an index may project
                  // only some attributes, and saving those would drop the rest.
                  try {
                    const whole = await ddb.getItem(client, tableName, keyOf(item, keyNames(description)));
                    setEditing(whole ?? item);
                  } catch (getError) {
                    setError(getError instanceof Error ? getError : new Error(String(getError)));
                  }
                }}
                onDelete={async (key) => {
                  if (!window.confirm("Delete this item?")) return;
                  try {
                    await ddb.deleteItem(client, tableName, key);
                    setChanges((n) => n + 1);
                  } catch (deleteError) {
                    setError(deleteError instanceof Error ? deleteError : new Error(String(deleteError)));
                  }
                }}
              />
            )}
          </>
        )}
      </AsyncView>
    </section>
  );
}

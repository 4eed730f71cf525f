// One table from its data alone: keys and indexes, and a page of items with their key
// attributes first. The page around it (DynamoDBPages) fetches, pages, edits and deletes.
import type { Item, TableDescription } from "../api/types";
import { cellText, keyOf } from "./json";

export function keyNames(table: TableDescription): string[] {
  const hash = table.KeySchema.find((key) => key.KeyType === "HASH")?.AttributeName;
  const range = table.KeySchema.find((key) => key.KeyType === "RANGE")?.AttributeName;
  return [hash, range].filter((name): name is string => Boolean(name));
}

function keyText(table: TableDescription, schema: { AttributeName: string; KeyType: string }[]): string {
  const types = new Map(table.AttributeDefinitions.map((d) => [d.AttributeName, d.AttributeType]));
  return schema
    .map((key) => `${key.AttributeName} (${types.get(key.AttributeName) ?? "?"}, ${key.KeyType === "HASH" ? "partition" : "sort"})`)
    .join(" + ");
}

export function TableSummary({ table }: { table: TableDescription }) {
  const indexes = [
    ...(table.GlobalSecondaryIndexes ?? []).map((index) => ({ ...index, scope: "Global" })),
    ...(table.LocalSecondaryIndexes ?? []).map((index) => ({ ...index, scope: "Local" })),
  ];
  return (
    <div className="table-summary">
      <dl className="facts">
        <div>
          <dt>Key</dt>
          <dd className="mono">{keyText(table, table.KeySchema)}</dd>
        </div>
        <div>
          <dt>Items</dt>
          <dd>{table.ItemCount ?? "–"}</dd>
        </div>
        <div>
          <dt>Billing</dt>
          <dd>{table.BillingModeSummary?.BillingMode ?? "PROVISIONED"}</dd>
        </div>
        <div>
          <dt>Stream</dt>
          <dd>{table.StreamSpecification?.StreamEnabled ? table.StreamSpecification.StreamViewType : "off"}</dd>
        </div>
      </dl>
      {indexes.length > 0 && (
        <table className="data compact" aria-label="Indexes">
          <thead>
            <tr>
              <th scope="col">Index</th>
              <th scope="col">Scope</th>
              <th scope="col">Key</th>
              <th scope="col">Projection</th>
            </tr>
          </thead>
          <tbody>
            {indexes.map((index) => (
              <tr key={index.IndexName}>
                <td>{index.IndexName}</td>
                <td>{index.scope}</td>
                <td className="mono">{keyText(table, index.KeySchema)}</td>
                <td>
                  {index.Projection?.ProjectionType ?? "ALL"}
                  {index.Projection?.NonKeyAttributes?.length ? `: ${index.Projection.NonKeyAttributes.join(", ")}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

interface ItemsProps {
  table: TableDescription;
  items: Item[];
  onEdit?(item: Item): void;
  onDelete?(key: Item): void;
}

export function ItemsTable({ table, items, onEdit, onDelete }: ItemsProps) {
  const keys = keyNames(table);
  const others = new Set<string>();
  for (const item of items) for (const name of Object.keys(item)) if (!keys.includes(name)) others.add(name);
  const columns = [...keys, ...[...others].sort()];
  if (items.length === 0) return <p className="muted">No items.</p>;
  return (
    <div className="table-wrap">
      <table className="data items-table" aria-label={`Items of ${table.TableName}`}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column} className={keys.includes(column) ? "key-column" : undefined}>
                {column}
              </th>
            ))}
            {(onEdit || onDelete) && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const key = keyOf(item, keys);
            const label = keys.map((name) => cellText(item[name])).join(" / ");
            return (
              <tr key={JSON.stringify(key)} data-key={label}>
                {columns.map((column) => (
                  <td key={column} className={keys.includes(column) ? "mono key-column" : "mono"}>
                    {cellText(item[column])}
                  </td>
                ))}
                {(onEdit || onDelete) && (
                  <td className="row-actions">
                    {onEdit && (
                      <button type="button" onClick={() => onEdit(item)} aria-label={`Edit item ${label}`}>
                        Edit
                      </button>
                    )}
                    {onDelete && (
                      <button type="button" className="danger" onClick={() => onDelete(key)} aria-label={`Delete item ${label}`}>
                        Delete
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// Create or edit one item as JSON, in DynamoDB JSON (`{"id": {"S": "t1"}}`) or plain JSON
// (`{"id": "t1"}`), switching between the two without losing what was typed. An item plain JSON
// cannot hold exactly (sets, binary, long numbers) stays in DynamoDB JSON.
import { useId, useState } from "react";
import type { Item, JsonValue } from "../api/types";
import { checkDynamoDBJson, ItemJsonError, marshall, plainBlocker, unmarshall } from "./json";

export type ItemFormat = "dynamodb" | "plain";

interface Props {
  item: Item | null;
  keyNames: string[];
  onSave(item: Item): Promise<void> | void;
  onCancel(): void;
}

function render(item: Item, format: ItemFormat): string {
  return JSON.stringify(format === "plain" ? unmarshall(item) : item, null, 2);
}

function parse(text: string, format: ItemFormat): Item {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ItemJsonError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return format === "plain" ? marshall(value as JsonValue) : checkDynamoDBJson(value);
}

export function ItemEditor({ item, keyNames, onSave, onCancel }: Props) {
  const textId = useId();
  const blocker = item ? plainBlocker(item) : null;
  const [format, setFormat] = useState<ItemFormat>(blocker ? "dynamodb" : "plain");
  const template: Item = item ?? Object.fromEntries(keyNames.map((name) => [name, { S: "" }]));
  const [text, setText] = useState(() => render(template, format));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const switchTo = (next: ItemFormat) => {
    if (next === format) return;
    try {
      const current = parse(text, format);
      const reason = next === "plain" ? plainBlocker(current) : null;
      if (reason) {
        setError(`Plain JSON would change this item: ${reason}. Keep editing it as DynamoDB JSON.`);
        return;
      }
      setText(render(current, next));
      setFormat(next);
      setError(null);
    } catch (parseError) {
      setError(`Fix the JSON before switching: ${(parseError as Error).message}`);
    }
  };

  const save = async () => {
    let parsed: Item;
    try {
      parsed = parse(text, format);
    } catch (parseError) {
      setError((parseError as Error).message);
      return;
    }
    const missing = keyNames.filter((name) => parsed[name] === undefined);
    if (missing.length > 0) {
      setError(`The item needs its key attributes: ${missing.join(", ")}`);
      return;
    }
    setSaving(true);
    try {
      await onSave(parsed);
      setError(null);
    } catch (saveError) {
      setError(saveError instanceof Error ? saveError.message : String(saveError));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="item-editor"
      aria-label={item ? "Edit item" : "Create item"}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div className="section-header">
        <h3>{item ? "Edit item" : "Create item"}</h3>
        <div role="radiogroup" aria-label="JSON format" className="segmented">
          {(["plain", "dynamodb"] as ItemFormat[]).map((option) => (
            <label key={option}>
              <input type="radio" name={`${textId}-format`} checked={format === option} onChange={() => switchTo(option)} />
              {option === "plain" ? "Plain JSON" : "DynamoDB JSON"}
            </label>
          ))}
        </div>
      </div>
      <label htmlFor={textId} className="visually-hidden">
        Item JSON
      </label>
      <textarea id={textId} className="json-input" rows={14} spellCheck={false} value={text} onChange={(event) => setText(event.target.value)} />
      {blocker && format === "dynamodb" && <p className="muted">Shown as DynamoDB JSON: {blocker}.</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={saving}>
          {item ? "Save item" : "Create item"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

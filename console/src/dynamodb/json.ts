// DynamoDB JSON <-> plain JSON, as the AWS SDK's marshall/unmarshall do for the types plain
// JSON can hold: S, N, BOOL, NULL, L, M. Sets, binary, and numbers a JavaScript number cannot
// hold exactly have no lossless plain form, so an item holding one is edited as DynamoDB JSON.
import type { AttributeValue, Item, JsonValue } from "../api/types";

export class ItemJsonError extends Error {
  override name = "ItemJsonError";
}

/** Whether a DynamoDB number (up to 38 digits) survives a JavaScript number: 15 significant
 * digits always do. */
function exactInJavaScript(number: string): boolean {
  const mantissa = number.replace(/^[-+]/, "").split(/[eE]/)[0].replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return Number.isFinite(Number(number)) && mantissa.length <= 15;
}

/** Why `item` cannot be shown as plain JSON without loss, or null when it can. */
export function plainBlocker(item: Item): string | null {
  const check = (value: AttributeValue, path: string): string | null => {
    if ("SS" in value || "NS" in value || "BS" in value) return `${path} is a set`;
    if ("B" in value) return `${path} is binary`;
    if ("N" in value && !exactInJavaScript(value.N)) {
      return `${path} is a number JavaScript cannot hold exactly (${value.N})`;
    }
    if ("L" in value) {
      for (const [index, element] of value.L.entries()) {
        const reason = check(element, `${path}[${index}]`);
        if (reason) return reason;
      }
    }
    if ("M" in value) {
      for (const [key, element] of Object.entries(value.M)) {
        const reason = check(element, `${path}.${key}`);
        if (reason) return reason;
      }
    }
    return null;
  };
  for (const [key, value] of Object.entries(item)) {
    const reason = check(value, key);
    if (reason) return reason;
  }
  return null;
}

export function unmarshallValue(value: AttributeValue): JsonValue {
  if ("S" in value) return value.S;
  if ("N" in value) return Number(value.N);
  if ("BOOL" in value) return value.BOOL;
  if ("NULL" in value) return null;
  if ("L" in value) return value.L.map(unmarshallValue);
  if ("M" in value) return unmarshall(value.M);
  if ("SS" in value) return [...value.SS];
  if ("NS" in value) return value.NS.map(Number);
  if ("BS" in value) return [...value.BS];
  return value.B;
}

export function unmarshall(item: Item): Record<string, JsonValue> {
  const result: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(item)) result[key] = unmarshallValue(value);
  return result;
}

export function marshallValue(value: JsonValue, path = "item"): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === "string") return { S: value };
  if (typeof value === "boolean") return { BOOL: value };
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ItemJsonError(`${path}: ${value} is not a DynamoDB number`);
    return { N: String(value) };
  }
  if (Array.isArray(value)) return { L: value.map((element, index) => marshallValue(element, `${path}[${index}]`)) };
  const map: Record<string, AttributeValue> = {};
  for (const [key, element] of Object.entries(value)) map[key] = marshallValue(element, `${path}.${key}`);
  return { M: map };
}

export function marshall(value: JsonValue): Item {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ItemJsonError("an item is a JSON object");
  }
  const item: Item = {};
  for (const [key, element] of Object.entries(value)) item[key] = marshallValue(element, key);
  return item;
}

const TYPES = new Set(["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"]);

/** Checks that `value` is an item in DynamoDB JSON (each attribute one typed member). */
export function checkDynamoDBJson(value: unknown, path = "item"): Item {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ItemJsonError(`${path}: an item is a JSON object of attribute values`);
  }
  const checkValue = (attribute: unknown, where: string): void => {
    if (attribute === null || typeof attribute !== "object" || Array.isArray(attribute)) {
      throw new ItemJsonError(`${where}: expected an attribute value such as {"S": "text"}`);
    }
    const keys = Object.keys(attribute);
    if (keys.length !== 1 || !TYPES.has(keys[0])) {
      throw new ItemJsonError(`${where}: expected exactly one of S, N, B, BOOL, NULL, SS, NS, BS, L, M`);
    }
    const inner = (attribute as Record<string, unknown>)[keys[0]];
    if (keys[0] === "L") {
      if (!Array.isArray(inner)) throw new ItemJsonError(`${where}.L: expected a list`);
      inner.forEach((element, index) => checkValue(element, `${where}.L[${index}]`));
    } else if (keys[0] === "M") {
      if (inner === null || typeof inner !== "object" || Array.isArray(inner)) throw new ItemJsonError(`${where}.M: expected a map`);
      for (const [key, element] of Object.entries(inner)) checkValue(element, `${where}.M.${key}`);
    } else if (keys[0] === "N" && (typeof inner !== "string" || inner.trim() === "" || Number.isNaN(Number(inner)))) {
      throw new ItemJsonError(`${where}.N: a number is sent as a string of digits`);
    }
  };
  for (const [key, attribute] of Object.entries(value)) checkValue(attribute, `${path}.${key}`);
  return value as Item;
}

/** The short display of an attribute value in a table cell. */
export function cellText(value: AttributeValue | undefined): string {
  if (value === undefined) return "";
  if ("S" in value) return value.S;
  if ("N" in value) return value.N;
  if ("BOOL" in value) return String(value.BOOL);
  if ("NULL" in value) return "null";
  if ("B" in value) return `binary (${value.B.length} base64 chars)`;
  const text = JSON.stringify(unmarshallValue(value));
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The key attributes of an item under a key schema. */
export function keyOf(item: Item, keyNames: string[]): Item {
  const key: Item = {};
  for (const name of keyNames) if (item[name] !== undefined) key[name] = item[name];
  return key;
}

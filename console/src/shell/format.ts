// Display forms shared by the views: AWS timestamps (epoch seconds), durations, JSON.

export function formatTimestamp(seconds: number | null | undefined): string {
  if (seconds == null) return "–";
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace("T", " ").replace("Z", " UTC");
}

export function formatDuration(milliseconds: number | null | undefined): string {
  if (milliseconds == null || Number.isNaN(milliseconds)) return "–";
  if (milliseconds < 10) return `${Number(milliseconds.toFixed(milliseconds < 1 ? 2 : 1))} ms`;
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(milliseconds < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(milliseconds / 60_000);
  return `${minutes} min ${Math.round((milliseconds % 60_000) / 1000)} s`;
}

/** Pretty JSON of a JSON text (as Step Functions sends input and output); the text itself when
 * it is not JSON. */
export function prettyJsonText(text: string | null | undefined): string {
  if (text == null) return "";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "";
}

/** The last segment of an ARN (`...:execution:machine:name` -> `name`). */
export function arnName(arn: string): string {
  return arn.split(":").pop() ?? arn;
}

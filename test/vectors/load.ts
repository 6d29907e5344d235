import { readFileSync } from "node:fs";

/** One `{input, output}` record of a reference vector file; all values are strings. */
export interface Vector {
  readonly input: Record<string, string>;
  readonly output: Record<string, string>;
}

/** Reads `test/vectors/<name>` (the in-repo copy; CI has no /work/shared). */
export function readVectorJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), "utf8"));
}

/** The `data` array of a reference vector file (`{description, data: [...]}`). */
export function loadVectorFile(name: string): Vector[] {
  const json = readVectorJson(name) as { data: Vector[] };
  return json.data;
}

export const b64 = (s: string): Buffer => Buffer.from(s, "base64");

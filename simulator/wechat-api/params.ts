/**
 * Reading WeChat-style input without fastify schemas: WeChat answers bad input with errcodes
 * (HTTP 200), not with a 400, so routes read the raw values and decide themselves.
 */

/** A query or body field as WeChat reads it: the first value, and an empty string is missing. */
export function field(source: unknown, name: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value: unknown = Reflect.get(source, name);
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first === '' ? undefined : first;
  if (typeof first === 'number' || typeof first === 'boolean') return String(first);
  return undefined;
}

export type JsonBody = { ok: true; value: unknown } | { ok: false };

/** WeChat parses POST bodies as JSON whatever the content-type says; junk is 47001. */
export function jsonBody(raw: unknown): JsonBody {
  if (raw === undefined || raw === null) return { ok: true, value: {} };
  if (typeof raw !== 'string') return { ok: true, value: raw };
  if (raw.trim() === '') return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ok: true, value } : { ok: false };
  } catch {
    return { ok: false };
  }
}

/** `force_refresh` as WeChat accepts it: a JSON boolean (a "true" string is tolerated). */
export function flag(source: unknown, name: string): boolean {
  const value = field(source, name);
  return value === 'true' || value === '1';
}

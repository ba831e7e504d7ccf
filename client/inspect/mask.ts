// Masks secrets and personal data in any value about to leave the process for an inspector:
// tokens, login and phone codes, WeChat's encrypted payloads, session keys, phone numbers.
// A secret becomes a numbered label ("[masked token #2]"): the inspector still shows that a
// token changed, and which request carried which one, without showing any of them.
// Written for size, regexes over sets: it ships with the development builds that watch a login.
// The mini program bundle (20 KB budget) leaves it out and carries only the check in ./masked.ts.

/** Keys (compared without case, `_` or `-`) whose values are never shown. */
const SECRET_KEY =
  /^(?:(?:access|refresh|id)?token|jwt|authorization|(?:js|fresh|phone)?code|encrypteddata|iv|signature|rawdata|sessionkey|(?:app|jwt)?secret|password|(?:pure)?phone(?:number)?|mobile)$/;

// A JWT anywhere in a string (an Authorization header, an error text), and secrets in URLs.
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]+/g;
const QUERY_SECRET = /([?&](?:code|js_code|token|access_token|session_key|secret)=)[^&#\s]+/gi;

const MASKED = /^\[masked [a-z]+(?: #\d+)?\]$/;
const MAX_NUMBERED = 512;

/** 32-bit FNV-1a: the label table is keyed by this, so it never holds a secret itself. */
function fingerprint(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export interface MaskOptions {
  /** Replaces objects the walk must not copy (live actor refs); return undefined to copy as usual. */
  substitute?: (value: object) => unknown;
}

export type Mask = <T>(value: T) => T;

/**
 * A masking function with its own numbering: the same secret gets the same label for as long
 * as the function lives. Plain objects, arrays and errors are copied (functions kept, so a
 * snapshot's `matches`/`hasTag`/`toJSON` still work); other class instances pass as they are.
 */
export function createMask(options: MaskOptions = {}): Mask {
  const numbers = new Map<string, number>();
  const counts: Record<string, number> = {};

  const label = (kind: string, secret: string): string => {
    // Already masked (an inspector wrapped twice): keep the first label.
    if (MASKED.test(secret)) return secret;
    const key = kind + fingerprint(secret);
    let n = numbers.get(key);
    if (!n && numbers.size < MAX_NUMBERED) numbers.set(key, (n = counts[kind] = (counts[kind] || 0) + 1));
    return `[masked ${kind}${n ? ` #${n}` : ''}]`;
  };

  const scrub = (text: string): string =>
    text.replace(JWT, (jwt) => label('token', jwt)).replace(QUERY_SECRET, '$1[masked]');

  const walk = (value: unknown, seen: Map<object, unknown>): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (typeof value !== 'object' || !value) return value;
    if (seen.has(value)) return seen.get(value);
    const substitute = options.substitute && options.substitute(value);
    if (substitute !== undefined) return substitute;
    if (Array.isArray(value)) {
      const list: unknown[] = [];
      seen.set(value, list);
      for (const item of value) list.push(walk(item, seen));
      return list;
    }
    const proto = Object.getPrototypeOf(value);
    const isError = value instanceof Error;
    if (!isError && proto !== Object.prototype && proto) return value;
    const source = value as Record<string, unknown>;
    const copy: Record<string, unknown> = Object.create(isError ? Object.prototype : proto);
    seen.set(value, copy);
    if (isError) {
      copy.name = value.name;
      copy.message = scrub(value.message);
    }
    // `code` beside a `message` is an error code (`TOKEN_EXPIRED`), not a login code.
    const codeIsErrorCode = typeof source.message === 'string';
    for (const key of Object.keys(source)) {
      const item = source[key];
      const name = key.replace(/[-_]/g, '').toLowerCase();
      const secret = SECRET_KEY.test(name) && !(name === 'code' && codeIsErrorCode);
      copy[key] =
        secret && item !== '' && (typeof item === 'string' || (typeof item === 'number' && name !== 'code'))
          ? label(name, String(item))
          : walk(item, seen);
    }
    return copy;
  };

  return <T>(value: T): T => walk(value, new Map()) as T;
}

// Node's Buffer.from(x, 'base64') skips junk characters and tolerates bad padding, so a
// mangled payload (a space where URL-encoding ate a '+') would decode to the wrong bytes.
// Decode only canonical, padded, standard-alphabet base64.

const canonicalBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of a strict base64 string, or undefined when it is empty or not canonical. */
export function decodeStrictBase64(text: string): Buffer | undefined {
  if (text.length === 0 || !canonicalBase64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Rejects non-zero bits in the last character's unused low bits (e.g. "AB==" vs "AA==").
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** Why a string is not strict base64, phrased for the person who sent it. */
export function describeBase64Problem(text: string): string {
  if (text.length === 0) return 'is empty';
  if (text.includes(' ')) return "contains a space (was the payload URL-encoded, turning '+' into ' '?)";
  if (/[-_]/.test(text)) return 'uses the URL-safe alphabet; send standard base64';
  if (/[^A-Za-z0-9+/=]/.test(text)) return 'contains characters outside base64';
  return 'has wrong padding or length';
}

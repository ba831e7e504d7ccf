// node:crypto for the browser build of the simulator's wx runtime, which needs one thing from
// it: random bytes as hex (the avatar button's temporary file name). Web Crypto provides them.

interface RandomBytes {
  toString(encoding: 'hex'): string;
}

export function randomBytes(size: number): RandomBytes {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(size));
  return {
    toString(encoding) {
      if (encoding !== 'hex') throw new Error(`the playground's randomBytes speaks hex only, not ${String(encoding)}`);
      return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
    },
  };
}

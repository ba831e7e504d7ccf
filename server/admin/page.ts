// The console's page: three static files beside this one (./page/), read once at start-up,
// served with a CSP that lets nothing run or load but them (no inline script or style, no
// other origin, no framing). Every user-controlled text is put in with textContent.

import { readFileSync } from 'node:fs';

const read = (name: string) => readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function consolePage(): { html: string; script: string; style: string; headers: Record<string, string> } {
  return {
    html: read('index.html'),
    script: read('console.js'),
    style: read('console.css'),
    headers: {
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    },
  };
}

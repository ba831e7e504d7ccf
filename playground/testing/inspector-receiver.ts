// Stands in for the inspector window at https://stately.ai/inspect that the browser inspector
// opens (playground/inspector.e2e.test.ts serves it there): @statelyai/inspect's own receiver,
// which tells the opener it is connected and collects what it is sent on `window.received`.
import { createBrowserReceiver } from '@statelyai/inspect';

const page = globalThis as unknown as { received: unknown[] };
page.received = [];
createBrowserReceiver().subscribe((event) => void page.received.push(event));

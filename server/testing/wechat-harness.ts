// Shared set-up for the gateway tests: a real simulator on loopback, a device client to act
// as the phone, and gateways sharing one real transport (node:http keep-alive agents, as in
// the server), counted per WeChat path.
import { createDeviceClient, createSimulator, type DeviceClient, type Simulator } from '../../simulator/index.js';
import { createWeChatGateway, type WeChatGateway, type WeChatGatewayOptions } from '../providers/wechat/gateway.js';
import type { WeChatLogger } from '../providers/wechat/http.js';
import { createHttpTransport, type WeChatTransport } from '../providers/wechat/transport.js';

export const APP = { appId: 'wx00000000000000a1', secret: 'gateway-test-secret-0123456789abcd' };

export interface LogRecord {
  level: 'debug' | 'warn' | 'error';
  obj: object;
  msg: string;
}

export interface Harness {
  sim: Simulator;
  base: string;
  device: DeviceClient;
  logs: LogRecord[];
  /** WeChat paths called through gateways made by `gateway()`, in order. */
  calls: string[];
  gateway(overrides?: Partial<WeChatGatewayOptions>): WeChatGateway;
  close(): Promise<void>;
}

export async function startHarness(options: { clock?: () => number; forceRefreshGraceMs?: number } = {}): Promise<Harness> {
  const sim = createSimulator({ apps: [APP], rotation: 'never', ...options });
  const base = await sim.listen();
  const logs: LogRecord[] = [];
  const calls: string[] = [];
  const logger: WeChatLogger = {
    debug: (obj, msg) => void logs.push({ level: 'debug', obj, msg }),
    warn: (obj, msg) => void logs.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => void logs.push({ level: 'error', obj, msg }),
  };
  const transport = createHttpTransport();
  const countingTransport: WeChatTransport = (request) => {
    calls.push(new URL(request.url).pathname);
    return transport(request);
  };
  return {
    sim,
    base,
    device: createDeviceClient(base),
    logs,
    calls,
    gateway: (overrides = {}) =>
      // A call to the simulator on loopback takes milliseconds: 10 s is for one that never comes.
      createWeChatGateway({ apiBase: base, apps: [APP], timeoutMs: 10_000, logger, transport: countingTransport, clock: () => sim.now(), ...overrides }),
    close: async () => {
      transport.close();
      await sim.close();
    },
  };
}

/** The rejection of a promise, which must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown> & Error;
  }
  throw new Error('expected a rejection');
}

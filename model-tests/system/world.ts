// The real system the paths run against: the WeChat simulator and the miniauth server over real
// sockets on port 0, a throwaway PostgreSQL schema, and one clock for the server and the phones
// that a path can move forward ("a week later"). Nothing of ours is replaced.

import { SIMULATOR_APP } from '../../server/config.js';
import { createDeviceClient } from '../../simulator/index.js';
import type { DeviceClient, Simulator } from '../../simulator/index.js';
import { startServerUnderTest } from '../../testing/server-under-test.js';

export interface SystemWorld {
  apiUrl: string;
  simulatorUrl: string;
  appId: string;
  simulator: Simulator;
  device: DeviceClient;
  /** World time: the server's clock and every phone's wall clock. */
  now(): number;
  advance(ms: number): void;
  /** Where the event log ends now; `eventsSince` lists the types appended after it. */
  eventCursor(): Promise<number>;
  eventsSince(cursor: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startSystem(): Promise<SystemWorld> {
  let offset = 0;
  const now = () => Date.now() + offset;
  const server = await startServerUnderTest({ clock: now });
  const { apiUrl, simulatorUrl, simulator, db: database } = server;
  return {
    apiUrl,
    simulatorUrl,
    appId: SIMULATOR_APP.appId,
    simulator,
    device: createDeviceClient(simulatorUrl),
    now,
    advance(ms) {
      offset += ms;
    },
    async eventCursor() {
      const { rows } = await database.query<{ position: string | null }>('SELECT max(global_position) AS position FROM events');
      return Number(rows[0]?.position ?? 0);
    },
    async eventsSince(cursor) {
      const { rows } = await database.query<{ type: string }>(
        'SELECT type FROM events WHERE global_position > $1 ORDER BY global_position', [cursor],
      );
      return rows.map((row) => row.type);
    },
    close: () => server.close(),
  };
}

// The development composition root: the production server (server/start.ts) with, when no
// WeChat credentials are set, the WeChat simulator running in this process and the playground
// at /playground. What `npm start` runs; with credentials it is the production start unchanged.

import type { Config } from '../server/config.js';
import { reachableHost, startServer, type RunningServer, type StartOptions } from '../server/start.js';
import { createDeviceClient } from '../simulator/device-client.js';
import { createSimulator } from '../simulator/server.js';

export async function startDevServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  if (config.wechat.mode !== 'simulator') return startServer(config, options);
  const simulator = createSimulator({ apps: config.wechat.apps, logger: false });
  try {
    const listened = new URL(await simulator.listen({ port: config.wechat.simPort, host: config.host }));
    // Bound to a wildcard, the simulator is still called on loopback (SIM_PORT=0: on the port it got).
    const simulatorUrl = `http://${reachableHost(listened.hostname)}:${listened.port}`;
    const server = await startServer(config, {
      ...options,
      wechatApiBase: simulatorUrl,
      plugins: [
        ...(options.plugins ?? []),
        // Loaded only here, in simulator mode: the playground never reaches a production process.
        (app, db) => void app.register(import('../playground/plugin.js'), { config, db, simulatorUrl }),
      ],
    });
    // As an operator does in WeChat's console: the simulator pushes content verdicts to the
    // server's message endpoint, signed with the token the server checks (kept once it echoes).
    const token = config.contentReview.messageToken;
    if (config.contentReview.enabled && token !== undefined) {
      await createDeviceClient(simulatorUrl)
        .contentReview({ endpoint: { url: `${server.url}/wx/messages`, token } })
        .catch(async (error: unknown) => {
          await server.close();
          throw error;
        });
    }
    let closing: Promise<void> | undefined;
    return {
      ...server,
      simulatorUrl,
      // The app first (it calls the simulator), then the simulator; the database last.
      close: () => (closing ??= server.close().finally(() => simulator.close())),
    };
  } catch (error) {
    await simulator.close();
    throw error;
  }
}

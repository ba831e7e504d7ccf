import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP, parseAppList, parseRotation, runSimulatorCli, type RunningSimulator } from './cli.js';

const running: RunningSimulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
  process.exitCode = undefined;
});

describe('parseAppList', () => {
  it('reads appid:secret pairs separated by commas', () => {
    expect(parseAppList('wxa:one, wxb:two:with-colon')).toEqual([
      { appId: 'wxa', secret: 'one' },
      { appId: 'wxb', secret: 'two:with-colon' },
    ]);
  });

  it.each(['wxa', ':secret', 'wxa:'])('refuses "%s" with a readable message', (entry) => {
    expect(() => parseAppList(entry)).toThrow(/must look like appid:secret/);
  });
});

describe('parseRotation', () => {
  it('reads never, always and a period in ms', () => {
    expect(parseRotation('never')).toBe('never');
    expect(parseRotation('always')).toBe('always');
    expect(parseRotation('60000')).toEqual({ afterMs: 60000 });
    expect(() => parseRotation('sometimes')).toThrow(/never, always or milliseconds/);
  });
});

describe('runSimulatorCli', () => {
  it('starts on the given port with the given apps, prints the URL and apps but not the secrets', async () => {
    const lines: string[] = [];
    const sim = await runSimulatorCli(['--app', 'wxcli0000000000001:topsecret-cli-1', '--app', 'wxcli2:topsecret-cli-2', '--port', '0'], {
      print: (line) => lines.push(line),
      handleSignals: false,
    });
    expect(sim).toBeDefined();
    if (sim === undefined) return;
    running.push(sim);
    const output = lines.join('\n');
    expect(output).toContain(`listening on ${sim.url}`);
    expect(output).toContain('wxcli0000000000001');
    expect(output).toContain('wxcli2');
    expect(output).not.toContain('topsecret-cli-1');
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: 'wxcli2', secret: 'topsecret-cli-2' });
    const answer = (await (await fetch(`${sim.url}/cgi-bin/token?${query}`)).json()) as Record<string, unknown>;
    expect(answer.expires_in).toBe(7200);
  });

  it('falls back to the documented default app', async () => {
    const sim = await runSimulatorCli(['--port', '0'], { print: () => {}, handleSignals: false });
    if (sim === undefined) throw new Error('did not start');
    running.push(sim);
    expect(sim.state.apps()).toEqual([DEFAULT_APP]);
  });

  it.each([
    [['--app', 'no-secret']],
    [['--port', 'eighty']],
    [['--colour']],
  ])('refuses %j with the reason, the usage and exit code 2', async (argv) => {
    const errors: string[] = [];
    const sim = await runSimulatorCli(argv, { printError: (line) => errors.push(line), handleSignals: false });
    expect(sim).toBeUndefined();
    expect(process.exitCode).toBe(2);
    expect(errors[0]).toMatch(/^miniauth simulator: /);
    expect(errors.join('\n')).toContain('Usage: miniauth simulator');
  });
});

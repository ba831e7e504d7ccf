// miniauth as a dependency: the packed tarball installed into fresh projects, as a user would.
// A server project (the tarball, the server's packages and pg) builds and type-checks a
// program against the shipped .d.ts that mounts miniauth in its own fastify app and logs in
// against the simulator; a client-only project (the tarball alone) gets xstate and nothing
// else, and logs in against that server with the SDK.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openThrowawayPg, TEST_DATABASE_URL, type TestDatabase } from '../testing/databases.js';
import { installedPackages, installProject, packTarball, pinned, REPO_ROOT, scratchDirectory, SERVER_PACKAGES } from './pack.js';

const run = promisify(execFile);
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const CONSUMERS = join(REPO_ROOT, 'package', 'consumers');

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
    // As `tsc --init` writes it; the package's declarations must still resolve every import.
    skipLibCheck: true, types: ['node'], outDir: 'dist', rootDir: 'src',
  },
  include: ['src'],
};

/** Copies a consumer program into a project and compiles it with the project's own tsconfig. */
async function build(project: string, program: string): Promise<void> {
  mkdirSync(join(project, 'src'), { recursive: true });
  copyFileSync(join(CONSUMERS, program), join(project, 'src', program));
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project }).catch((error: { stdout?: string }) => {
    throw new Error(`tsc failed in ${program}:\n${error.stdout ?? String(error)}`);
  });
}

/** The next line the process prints, parsed as JSON. */
function nextJson(lines: AsyncIterator<string>): Promise<Record<string, any>> {
  return lines.next().then(({ value, done }) => {
    if (done) throw new Error('the program ended before printing its findings');
    return JSON.parse(value as string) as Record<string, any>;
  });
}

describe('the packed package, installed into fresh projects', () => {
  let scratch: string;
  let serverProject: string;
  let clientProject: string;
  let schema: TestDatabase;
  let server: ChildProcess | undefined;
  let serverLines: AsyncIterator<string>;
  let findings: Record<string, any>;
  const serverErrors: string[] = [];

  beforeAll(async () => {
    scratch = scratchDirectory();
    const tarball = await packTarball(scratch);
    serverProject = join(scratch, 'server-project');
    clientProject = join(scratch, 'client-project');
    // The server's packages and pg; neither PGlite nor the docs UI.
    // Its program's own types besides: node's and pg's.
    const types = ['@types/node', '@types/pg'].map(pinned);
    await installProject(serverProject, [tarball, ...SERVER_PACKAGES.map(pinned), pinned('pg'), ...types]);
    await installProject(clientProject, [tarball, pinned('@types/node')]);
    schema = await openThrowawayPg({ migrate: false, poolSize: 1 });
  }, 240_000);

  afterAll(async () => {
    server?.kill('SIGKILL');
    await schema?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('installs nothing but xstate beside the client SDK', () => {
    // @types/node (and its undici-types) is the program's own, for fetch and process.
    expect(installedPackages(clientProject)).toEqual(['@types/node', 'miniauth', 'undici-types', 'xstate']);
  });

  it('says which packages to install when the command runs without the server\'s', async () => {
    const failed = await run(process.execPath, ['node_modules/miniauth/bin/miniauth.js', 'serve'], { cwd: clientProject }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(`npm install ${SERVER_PACKAGES.join(' ')}`);
  });

  it('installs no TypeScript runner, bundler, PGlite or docs UI with the server', () => {
    const installed = installedPackages(serverProject);
    for (const absent of ['tsx', 'esbuild', '@electric-sql/pglite', '@fastify/swagger-ui']) expect(installed).not.toContain(absent);
    expect(installed).toEqual(expect.arrayContaining(['miniauth', 'fastify', 'pg', 'xstate']));
  });

  it('builds and type-checks a server program that embeds miniauth, against the shipped declarations', async () => {
    await build(serverProject, 'embedded-server.ts');
  }, 120_000);

  it('runs it: a login through the routes mounted under /auth, the follower, the optional packages missing', async () => {
    const url = `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema.schema}`)}`;
    server = spawn(process.execPath, ['dist/embedded-server.js'], { cwd: serverProject, env: { ...process.env, CONSUMER_DATABASE_URL: url } });
    server.stderr!.on('data', (chunk: Buffer) => serverErrors.push(String(chunk)));
    serverLines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
    findings = await nextJson(serverLines).catch((error: Error) => {
      throw new Error(`${error.message}\n${serverErrors.join('')}`);
    });
    expect(findings).toMatchObject({
      host: { service: 'the host app' },
      login: { status: 200, isNew: true },
      me: { status: 200, id: true },
      refused: 'WECHAT_CODE_INVALID',
      loginFailures: 1,
      docsPage: 404,
    });
    expect(findings['pgliteMissing']).toMatch(/^DATABASE_DRIVER_MISSING: .*npm install @electric-sql\/pglite/);
    expect(findings['openapi']).toEqual(expect.arrayContaining(['/auth/wx/login', '/auth/me', '/auth/healthz']));
  }, 60_000);

  it('builds a client-only program, which logs in against that server with the SDK', async () => {
    expect(findings, 'the server program did not run').toBeDefined();
    await build(clientProject, 'client-only.ts');
    const { stdout } = await run(process.execPath, ['dist/client-only.js'], {
      cwd: clientProject,
      env: { ...process.env, MINIAUTH_URL: `${findings['url']}/auth`, LOGIN_CODE: findings['clientCode'] },
    });
    expect(JSON.parse(stdout)).toEqual({ signedIn: true, token: true, me: { status: 200, code: 1 } });
  }, 120_000);

  it('closes the mounted service with the host app', async () => {
    expect(server, 'the server program did not run').toBeDefined();
    const exited = new Promise<number | null>((resolve) => server!.once('exit', resolve));
    server!.kill('SIGTERM');
    expect(await nextJson(serverLines)).toEqual({ closed: true });
    // Nothing left running (a timer, a pool, a socket) keeps the process alive.
    expect(await exited).toBe(0);
    server = undefined;
  }, 30_000);
});

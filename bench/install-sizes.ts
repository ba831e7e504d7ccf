// What installing miniauth costs a project, from the packed tarball (package/pack.ts): the
// client SDK alone (miniauth and xstate, nothing else), and a server on PostgreSQL (miniauth
// with the server's packages and pg), beside what the same install holds of xstate, and a
// plain fastify + pg + jsonwebtoken install made in the same run. PGlite and the docs UI are
// extras a project adds: their sizes are reported beside.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { directoryBytes, installedPackages, installProject, packTarball, pinned, REPO_ROOT, scratchDirectory, SERVER_PACKAGES } from '../package/pack.js';

export interface InstallSizes {
  tarballBytes: number;
  client: { bytes: number; xstateBytes: number; packages: string[] };
  server: { bytes: number; packages: number };
  plainServerBytes: number;
  extras: { pgliteBytes: number; docsUiBytes: number };
}

export async function benchInstallSizes(): Promise<InstallSizes> {
  const scratch = scratchDirectory();
  try {
    const tarball = await packTarball(scratch);
    const client = join(scratch, 'client');
    const server = join(scratch, 'server');
    const plain = join(scratch, 'plain');
    await installProject(client, [tarball]);
    await installProject(server, [tarball, ...SERVER_PACKAGES.map(pinned), pinned('pg')]);
    await installProject(plain, ['fastify', 'pg', 'jsonwebtoken'].map(pinned));
    const modules = (project: string) => directoryBytes(join(project, 'node_modules'));
    return {
      tarballBytes: directoryBytes(tarball),
      client: { bytes: modules(client), xstateBytes: directoryBytes(join(client, 'node_modules', 'xstate')), packages: installedPackages(client) },
      server: { bytes: modules(server), packages: installedPackages(server).length },
      plainServerBytes: modules(plain),
      extras: {
        pgliteBytes: directoryBytes(join(REPO_ROOT, 'node_modules', '@electric-sql', 'pglite')),
        docsUiBytes: directoryBytes(join(REPO_ROOT, 'node_modules', '@fastify', 'swagger-ui')) + directoryBytes(join(REPO_ROOT, 'node_modules', '@fastify', 'static')),
      },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

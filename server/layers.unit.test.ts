// The server's layers, read from its imports: routes → services → the users domain → the store
// and the login providers. Nothing below the routes knows HTTP; no production module reaches
// the development tools; no module imports itself back through others.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = join(ROOT, 'server');

/** The server's production modules: no tests, no test helpers. */
function productionModules(dir: string = SERVER): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : productionModules(path);
    const helper = entry.name.includes('.test.');
    return entry.name.endsWith('.ts') && !helper ? [path] : [];
  });
}

/** What a module imports: relative paths resolved to files of the repository, packages by name. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/\b(?:import|export)\b[^'"]*?\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g)].map(
    (match) => match[1] ?? match[2]!,
  );
  return specifiers.map((specifier) =>
    specifier.startsWith('.') ? relative(ROOT, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier,
  );
}

const modules = productionModules().map((file) => ({ file: relative(ROOT, file), imports: importsOf(file) }));
const under = (folder: string) => modules.filter((module) => module.file.startsWith(`server/${folder}/`));

function offending(from: typeof modules, forbidden: (target: string) => boolean): string[] {
  return from.flatMap(({ file, imports }) => imports.filter(forbidden).map((target) => `${file} → ${target}`));
}

describe('the layers of the server', () => {
  it('reads the modules it checks', () => {
    expect(modules.length).toBeGreaterThan(60);
    expect(modules.find((module) => module.file === 'server/users/users.ts')?.imports).toContain('server/store/event-store.ts');
  });

  it('keeps HTTP out of the users domain, the store and the providers: no fastify, no routes, no status codes', () => {
    const below = [...under('users'), ...under('store'), ...under('providers')];
    expect(offending(below, (target) => target.startsWith('fastify') || target.startsWith('@fastify') || target.startsWith('server/routes/'))).toEqual([]);
    const withStatus = below.filter(({ file }) => /\bstatusCode:\s*\d{3}|\breply\.code\(/.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(withStatus.map(({ file }) => file)).toEqual([]);
  });

  it('lets data flow one way: the store knows no domain, the domain no service, the services no route', () => {
    expect(offending(under('store'), (target) => target.startsWith('server/') && !target.startsWith('server/store/') && target !== 'server/errors.ts')).toEqual([]);
    expect(offending(under('users'), (target) => /^server\/(routes|services|providers|tokens)\//.test(target))).toEqual([]);
    expect(offending(under('providers'), (target) => /^server\/(routes|services|users)\//.test(target))).toEqual([]);
    expect(offending(under('services'), (target) => target.startsWith('server/routes/'))).toEqual([]);
  });

  it("keeps HTTP in the admin console's routes: its service, sessions and queries know no fastify", () => {
    const console = under('admin').filter(({ file }) => file !== 'server/admin/routes.ts' && file !== 'server/admin/index.ts');
    expect(console.length).toBeGreaterThan(5);
    expect(offending(console, (target) => target.startsWith('fastify') || target.startsWith('@fastify') || target.startsWith('server/routes/'))).toEqual([]);
    expect(offending([...under('users'), ...under('store'), ...under('services')], (target) => target.startsWith('server/admin/'))).toEqual([]);
  });

  it('keeps the production modules away from the simulator, the playground and the development root', () => {
    expect(offending(modules, (target) => /^(simulator|playground|dev)\//.test(target))).toEqual([]);
  });

  it('has no import circle', () => {
    const graph = new Map(modules.map(({ file, imports }) => [file, imports.filter((target) => target.startsWith('server/'))]));
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });
});

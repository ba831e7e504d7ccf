// The load process: runs the jobs of ./load-jobs.ts against the server over loopback and
// answers with counts, rates and latencies. Forked by ./load.ts; it never runs in the
// server's process, so the server's event loop is the server's alone.

import http from 'node:http';
import autocannon, { type AutocannonRequest } from 'autocannon';
import { serveRequests } from './child.js';
import type { LoadJob, LoadResult, PacedJob, RequestShape, ThroughputJob } from './load-jobs.js';

const isOk = (status: number) => status >= 200 && status < 300;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Hands out the bodies in order; once they are used up it repeats the last (the server then says so). */
function bodySource(request: RequestShape): (() => string) | undefined {
  const bodies = request.bodies;
  if (!bodies || bodies.length === 0) return undefined;
  let next = 0;
  return () => bodies[Math.min(next++, bodies.length - 1)]!;
}

/** The next header set of the cycle, or undefined when there is none. */
function headerSource(request: RequestShape): (() => Record<string, string>) | undefined {
  const cycle = request.headerCycle;
  if (!cycle || cycle.length === 0) return undefined;
  let next = 0;
  return () => cycle[next++ % cycle.length]!;
}

async function throughput(job: ThroughputJob): Promise<LoadResult> {
  const nextBody = bodySource(job.request);
  const nextHeaders = headerSource(job.request);
  let firstFailure: string | undefined;
  const request: AutocannonRequest = {
    method: job.request.method,
    path: job.request.path,
    headers: { ...(nextBody ? { 'content-type': 'application/json' } : {}), ...job.request.headers },
    onResponse: (status, body) => {
      if (!isOk(status)) firstFailure ??= `${status} ${body.slice(0, 300)}`;
    },
    ...(nextBody || nextHeaders
      ? {
          setupRequest: (req: AutocannonRequest) => ({
            ...req,
            ...(nextBody ? { body: nextBody() } : {}),
            ...(nextHeaders ? { headers: { ...req.headers, ...nextHeaders() } } : {}),
          }),
        }
      : {}),
  };
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    ...(job.count === undefined ? { duration: job.seconds ?? 1 } : { amount: job.count }),
    requests: [request],
    timeout: 10,
  });
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  const ok = result['2xx'];
  return {
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    seconds,
    perSecond: ok / seconds,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    ...(firstFailure === undefined ? {} : { firstFailure }),
  };
}

/** One request; resolves with its status and body when the answer has fully arrived. */
function send(agent: http.Agent, url: URL, request: RequestShape, body: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        agent,
        method: request.method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// Each latency is counted from when the request was due, not when it was sent: if this
// process falls behind, the delay shows up in the figure instead of hiding (as in wrk2).
async function paced(job: PacedJob): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(job.request.path, job.url);
  const nextBody = bodySource(job.request);
  const count = job.request.bodies ? Math.min(job.count, job.request.bodies.length) : job.count;
  const intervalMs = 1000 / job.perSecond;
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      send(agent, url, job.request, nextBody?.()).then(
        ({ status, body }) => {
          if (isOk(status)) latencies.push(performance.now() - due);
          else {
            failed += 1;
            firstFailure ??= `${status} ${body.slice(0, 300)}`;
          }
        },
        (error: Error) => {
          failed += 1;
          firstFailure ??= error.message;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    ok: latencies.length,
    failed,
    seconds,
    perSecond: latencies.length / seconds,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? 0 },
    ...(firstFailure === undefined ? {} : { firstFailure }),
  };
}

serveRequests(async (message) => {
  const job = message['job'] as LoadJob;
  return job.kind === 'throughput' ? throughput(job) : paced(job);
});

// Prometheus metrics (prom-client) for one server process, in a registry of its own: the
// Telemetry port (./telemetry.ts) as counters and histograms, gauges read when scraped (the
// database pool, the failed-logins projection's lag), and the process defaults. Names follow
// Prometheus conventions (`miniauth_…_total`, `_seconds`); labels are low-cardinality by
// construction: outcomes, error codes, WeChat API names and errcodes, configured app ids.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../store/database.js';
import { loginFailuresProjection } from '../users/index.js';
import type { AppendOutcome, LoginOutcome, RateLimit, Telemetry } from './telemetry.js';

export interface MetricsOptions {
  /** The database whose pool and projection lag are reported when scraped. */
  db?: Database;
  /** Process metrics (CPU, memory, event loop, GC); on by default. */
  processMetrics?: boolean;
}

export interface Metrics {
  readonly telemetry: Telemetry;
  readonly registry: Registry;
  /** The exposition in Prometheus's text format. */
  exposition(): Promise<{ contentType: string; text: string }>;
}

/** The projection whose lag is reported: failed logins, projected from the log on a timer. */
const PROJECTION = loginFailuresProjection.name;
/** Counting unprojected events stops here: past it the projection is plainly stuck. */
const LAG_COUNT_CAP = 100_000;

const LOGIN_OUTCOMES: readonly LoginOutcome[] = ['registered', 'returning', 'replayed'];
const RATE_LIMITS: readonly RateLimit[] = ['address', 'person'];
const APPEND_OUTCOMES: readonly AppendOutcome[] = ['ok', 'conflict', 'error'];

interface LagRow {
  events: string | number;
  seconds: string | number | null;
}

async function projectionLag(db: Database): Promise<{ events: number; seconds: number }> {
  const { rows } = await db.query<LagRow>(
    `WITH checkpoint AS (
       SELECT coalesce((SELECT global_position FROM projection_checkpoints WHERE name = $1), 0) AS position
     ), behind AS (
       SELECT e.recorded_at FROM events e, checkpoint c WHERE e.global_position > c.position AND e.type = ANY($2::text[])
       ORDER BY e.global_position LIMIT ${LAG_COUNT_CAP}
     )
     SELECT count(*) AS events, extract(epoch FROM now() - min(recorded_at)) AS seconds FROM behind`,
    [PROJECTION, [...loginFailuresProjection.handles]],
  );
  const row = rows[0];
  return { events: Number(row?.events ?? 0), seconds: Math.max(0, Number(row?.seconds ?? 0)) };
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    // prom-client names three gauges `…_total`, a suffix Prometheus keeps for counters (promtool
    // refuses them): left out rather than served under a misleading name.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      registry.removeSingleMetric(name);
    }
  }

  const logins = new Counter({
    name: 'miniauth_logins_total',
    help: 'Logins answered, by outcome; failures by the error code they were answered with.',
    labelNames: ['outcome', 'reason'] as const,
    registers,
  });
  const wechatCalls = new Counter({
    name: 'miniauth_wechat_calls_total',
    help: "Calls to WeChat's server API, by API and result (0, the errcode, timeout or unavailable).",
    labelNames: ['api', 'result'] as const,
    registers,
  });
  const wechatSeconds = new Histogram({
    name: 'miniauth_wechat_call_duration_seconds',
    help: "How long calls to WeChat's server API took, by API.",
    labelNames: ['api'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const rateLimited = new Counter({
    name: 'miniauth_rate_limited_total',
    help: 'Logins refused by a rate limit: per client address, or per person.',
    labelNames: ['limit'] as const,
    registers,
  });
  const tokenRefusals = new Counter({
    name: 'miniauth_token_refusals_total',
    help: 'Requests the auth hook refused, by the error code of the refusal.',
    labelNames: ['reason'] as const,
    registers,
  });
  const revocations = new Counter({
    name: 'miniauth_revocations_total',
    help: 'Logouts everywhere: every token of the person revoked.',
    registers,
  });
  const erasures = new Counter({
    name: 'miniauth_erasures_total',
    help: 'People who erased their data.',
    registers,
  });
  const appendSeconds = new Histogram({
    name: 'miniauth_store_append_duration_seconds',
    help: 'How long appends to the event log took, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  });

  const quotaLeft = new Gauge({
    name: 'miniauth_phone_quota_left',
    help: 'Phone numbers the app can still buy, as WeChat last reported (trial and packages together).',
    labelNames: ['appid'] as const,
    registers,
  });
  const quotaBought = new Gauge({
    name: 'miniauth_phone_numbers_bought',
    help: 'Phone numbers WeChat has charged the app for, as it last reported.',
    labelNames: ['appid'] as const,
    registers,
  });
  const reviews = new Counter({
    name: 'miniauth_content_reviews_total',
    help: 'Content reviews of what people want stored, by kind and verdict.',
    labelNames: ['kind', 'verdict'] as const,
    registers,
  });

  // Read when scraped, from the database when there is one (the families are there either way).
  const { db } = options;
  new Gauge({
    name: 'miniauth_db_pool_connections',
    help: 'Connections of the PostgreSQL pool, by state (total, idle, waiting clients, max).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const stats = db?.poolStats?.();
      if (stats === undefined) return;
      for (const [state, value] of Object.entries(stats)) this.set({ state }, value);
    },
  });
  // One query sets both gauges; the first one registered runs it, so both are fresh when served.
  let lagSeconds: Gauge<'projection'> | undefined;
  new Gauge({
    name: 'miniauth_projection_lag_events',
    help: `Events of the log the ${PROJECTION} projection has not read yet (counted up to ${LAG_COUNT_CAP}).`,
    labelNames: ['projection'] as const,
    registers,
    async collect() {
      if (db === undefined) return;
      try {
        const lag = await projectionLag(db);
        this.set({ projection: PROJECTION }, lag.events);
        lagSeconds?.set({ projection: PROJECTION }, lag.seconds);
      } catch {
        // The database is away: no value rather than a stale one (the scrape itself succeeds).
        this.remove({ projection: PROJECTION });
        lagSeconds?.remove({ projection: PROJECTION });
      }
    },
  });
  lagSeconds = new Gauge({
    name: 'miniauth_projection_lag_seconds',
    help: `Age of the oldest event the ${PROJECTION} projection has not read yet (0 when up to date).`,
    labelNames: ['projection'] as const,
    registers,
  });

  // Known label values start at 0, so that rate() and absent-series alerts see them at once.
  for (const outcome of LOGIN_OUTCOMES) logins.inc({ outcome, reason: '' }, 0);
  for (const limit of RATE_LIMITS) rateLimited.inc({ limit }, 0);
  revocations.inc(0);
  erasures.inc(0);

  const telemetry: Telemetry = {
    loggedIn: (outcome, reason = '') => logins.inc({ outcome, reason }),
    calledWeChat(api, result, seconds) {
      wechatCalls.inc({ api, result });
      wechatSeconds.observe({ api }, seconds);
    },
    rateLimited: (limit) => rateLimited.inc({ limit }),
    refusedToken: (reason) => tokenRefusals.inc({ reason }),
    revokedSessions: () => revocations.inc(),
    erased: () => erasures.inc(),
    appended: (outcome, seconds) => appendSeconds.observe({ outcome }, seconds),
    phoneQuota(appid, left, bought) {
      quotaLeft.set({ appid }, left);
      quotaBought.set({ appid }, bought);
    },
    reviewedContent: (kind, verdict) => reviews.inc({ kind, verdict }),
  };
  for (const outcome of APPEND_OUTCOMES) appendSeconds.zero({ outcome });

  return {
    telemetry,
    registry,
    async exposition() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}

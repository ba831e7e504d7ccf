// A stream's snapshot: the row of its stream type's table that holds the fold of its events up
// to `stream_version`. Read with the stream's version and key in one query; written by the
// append's own statement (a part named `snapshot`); rebuilt from the log.

import { columnsOf, jsonValue, overwriteOnConflict, recordFromRow, selectList, sqlValue, type Column, type ColumnTable } from './columns.js';
import type { AppendPart } from './append.js';
import type { Database, Queryable } from './database.js';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow, type RecordedEvent } from './events.js';
import { readStream } from './read.js';
import { openEvents, toStreamKey, type StreamKey } from './sealing.js';
import type { AnyStreamType } from './stream-types.js';

export interface Snapshot<State> {
  /** The position of the stream's last event; 0 when the stream does not exist. */
  version: number;
  /** The stream's key for personal data, if it has one. */
  key: StreamKey | undefined;
  /** The fold of the stream at `version` (null: nothing to fold yet). */
  state: State | null;
  /** Where the state came from: the snapshot row as it was, or a fold of the stream. */
  from: 'row' | 'stream';
}

interface SnapshotRow {
  version: string | number;
  pd_key_id: string | null;
  pd_secret: Uint8Array | null;
  stream_version: string | number | null;
  [column: string]: unknown;
}

const readSql = new WeakMap<AnyStreamType, string>();

function keyColumnOf(type: AnyStreamType): Column {
  const column = (type.snapshot.columns as Record<string, Column | undefined>)[type.snapshot.key];
  if (column === undefined) throw new TypeError(`${type.snapshot.table}: the key ${type.snapshot.key} has no column.`);
  return column;
}

function snapshotSql(type: AnyStreamType): string {
  let sql = readSql.get(type);
  if (sql === undefined) {
    const { table, columns } = type.snapshot;
    const key = keyColumnOf(type);
    sql = `
SELECT s.version, k.key_id AS pd_key_id, k.secret AS pd_secret, t.stream_version, ${selectList(columns, 't')}
FROM (SELECT coalesce(max(stream_position), 0) AS version FROM events WHERE stream_id = $1) s
LEFT JOIN personal_data_keys k ON k.subject = $1
LEFT JOIN ${table} t ON t.${key.name} = $2::${key.type}`;
    readSql.set(type, sql);
  }
  return sql;
}

/**
 * The stream's version, key and state in one query. When the row is current (its
 * stream_version is the stream's), the row is the state and no event is read: a command costs
 * the same on the thousandth event as on the first. Otherwise the stream is folded.
 */
export async function readSnapshot<State extends object>(q: Queryable, type: AnyStreamType, streamId: string): Promise<Snapshot<State>> {
  const keyValue = streamId.slice(type.prefix.length);
  const { rows } = await q.query<SnapshotRow>(snapshotSql(type), [streamId, keyValue], { name: `miniauth_snapshot_${type.snapshot.table}` });
  const found = rows[0]!;
  const version = Number(found.version);
  const keyColumn = keyColumnOf(type).name;
  const hasRow = found[keyColumn] !== null && found[keyColumn] !== undefined;
  // A key may exist before any event: an attempt that created it lost its append.
  const key = found.pd_key_id && found.pd_secret ? toStreamKey({ key_id: found.pd_key_id, secret: found.pd_secret }) : undefined;
  if (version === 0 && !hasRow) return { version, key, state: null, from: 'row' };
  if (hasRow && Number(found.stream_version) === version) {
    return { version, key, state: recordFromRow(type.snapshot.columns as ColumnTable<State>, found), from: 'row' };
  }
  const stream = await readStream(q, streamId);
  return { version: stream.version, key, state: stream.events.reduce<State | null>((state, event) => type.evolve(state, event), null), from: 'stream' };
}

const upsertHead = new WeakMap<AnyStreamType, { columns: string; conflict: string }>();

function upsertParts(type: AnyStreamType) {
  let head = upsertHead.get(type);
  if (head === undefined) {
    const all = columnsOf(type.snapshot.columns).map(([, column]) => column);
    const version = { name: 'stream_version', type: 'bigint' as const };
    head = {
      columns: [...all, version].map((column) => column.name).join(', '),
      conflict: overwriteOnConflict(keyColumnOf(type), [...all, version]),
    };
    upsertHead.set(type, head);
  }
  return head;
}

/** The snapshot row written in the append's statement (a part named `snapshot`, returning the row). */
export function snapshotPart<State extends object>(type: AnyStreamType, state: State, streamVersion: number): AppendPart {
  const { table, columns } = type.snapshot;
  const head = upsertParts(type);
  return {
    name: 'snapshot',
    sql(param, when) {
      const record = state as Record<string, unknown>;
      const values = columnsOf(columns).map(([field, column]) => param(sqlValue(column.type, record[field]), column.type));
      values.push(param(streamVersion, 'bigint'));
      return `INSERT INTO ${table} (${head.columns}) SELECT ${values.join(', ')} WHERE ${when}\n${head.conflict}\nRETURNING *`;
    },
  };
}

// Many rows in one statement, from a JSON array of records keyed by column name.
function bulkUpsertSql(type: AnyStreamType): string {
  const { table, columns } = type.snapshot;
  const head = upsertParts(type);
  const typed = [...columnsOf(columns).map(([, column]) => `${column.name} ${column.type}`), 'stream_version bigint'];
  return `INSERT INTO ${table} (${head.columns}) SELECT ${head.columns} FROM jsonb_to_recordset($1::jsonb) AS r(${typed.join(', ')})\n${head.conflict}`;
}

function bulkRecord(type: AnyStreamType, state: object, version: number): Record<string, unknown> {
  const record: Record<string, unknown> = { stream_version: version };
  for (const [field, column] of columnsOf(type.snapshot.columns)) {
    record[column.name] = jsonValue(column.type, (state as Record<string, unknown>)[field]);
  }
  return record;
}

/**
 * Empties the stream type's table and folds every stream of that type into it again, in one
 * transaction: the lock waits for appends that already wrote the table and makes later ones
 * wait. Returns the number of events folded.
 */
export interface RebuildOptions {
  batchSize?: number;
  /** Told the number of events of each batch once it is folded. */
  onBatch?: (events: number) => void;
  /** Tables derived from the rebuilt one, recomputed in the same transaction at the end. */
  derive?: (tx: Queryable) => Promise<void>;
}

/** How many events a rebuild of the stream type folds. */
export async function countStreamEvents(q: Queryable, type: AnyStreamType): Promise<number> {
  const { rows } = await q.query<{ n: string | number }>('SELECT count(*) AS n FROM events WHERE starts_with(stream_id, $1)', [type.prefix]);
  return Number(rows[0]?.n ?? 0);
}

export async function rebuildSnapshots(db: Database, type: AnyStreamType, options: RebuildOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  const { table, columns, key } = type.snapshot;
  const keyColumn = keyColumnOf(type);
  return db.transaction(async (tx) => {
    await tx.query(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`);
    await tx.query(`DELETE FROM ${table}`);
    let after = 0;
    let total = 0;
    for (;;) {
      const { rows } = await tx.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE starts_with(stream_id, $1) AND global_position > $2
         ORDER BY global_position LIMIT $3`,
        [type.prefix, after, batchSize],
      );
      if (rows.length === 0) break;
      const events = await openEvents(tx, rows.map(toRecordedEvent));
      const keys = [...new Set(events.map((event) => event.streamId.slice(type.prefix.length)))];
      const current = await tx.query<Record<string, unknown>>(
        `SELECT ${selectList(columns)} FROM ${table} WHERE ${keyColumn.name} = ANY($1::${keyColumn.type}[])`,
        [keys],
      );
      const states = new Map<string, { state: object | null; version: number }>();
      for (const row of current.rows) {
        const state = recordFromRow<Record<string, unknown>>(columns, row);
        states.set(String(state[key]), { state, version: 0 });
      }
      for (const event of events) {
        const streamKey = event.streamId.slice(type.prefix.length);
        const before = states.get(streamKey)?.state ?? null;
        states.set(streamKey, { state: type.evolve(before, event), version: event.streamPosition });
      }
      const written = [...states.values()].filter((entry) => entry.state !== null && entry.version > 0);
      if (written.length > 0) await tx.query(bulkUpsertSql(type), [JSON.stringify(written.map(({ state, version }) => bulkRecord(type, state!, version)))]);
      total += events.length;
      options.onBatch?.(events.length);
      after = events[events.length - 1]!.globalPosition;
      if (rows.length < batchSize) break;
    }
    await options.derive?.(tx);
    return total;
  });
}

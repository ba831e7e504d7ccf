// A table's columns described once, as a map from a record's fields to SQL columns. Every SQL
// list (select, insert, update, bulk rows) and both conversions between a record and a row are
// derived from it, so a new field is one line here (and a migration).

export type ColumnType = 'uuid' | 'text' | 'integer' | 'bigint' | 'boolean' | 'timestamptz' | 'jsonb';

export interface Column {
  name: string;
  type: ColumnType;
}

/** Every field of the record, and the column that holds it. */
export type ColumnTable<Row extends object> = { readonly [Field in keyof Row]-?: Column };

const columnName = /^[a-z_][a-z0-9_]*$/;

export function columnsOf<Row extends object>(table: ColumnTable<Row>): Array<[keyof Row & string, Column]> {
  const entries = Object.entries(table) as Array<[keyof Row & string, Column]>;
  for (const [, column] of entries) {
    if (!columnName.test(column.name)) throw new TypeError(`Column "${column.name}" is not a plain name.`);
  }
  return entries;
}

/** `alias.a, alias.b, …` in the table's order. */
export function selectList<Row extends object>(table: ColumnTable<Row>, alias?: string): string {
  const prefix = alias === undefined ? '' : `${alias}.`;
  return columnsOf(table).map(([, column]) => `${prefix}${column.name}`).join(', ');
}

// pg answers bigint as text, PGlite as a number; timestamps as Date (pg) or text: both are
// read into the record's JavaScript types.
function readValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
    case 'bigint':
      return Number(value);
    case 'timestamptz':
      return value instanceof Date ? value : new Date(String(value));
    default:
      return value;
  }
}

/** The record a row holds (the row's keys are column names). */
export function recordFromRow<Row extends object>(table: ColumnTable<Row>, row: Record<string, unknown>): Row {
  const record: Record<string, unknown> = {};
  for (const [field, column] of columnsOf(table)) record[field] = readValue(column.type, row[column.name]);
  return record as Row;
}

/** A value as a query parameter of its column's type (jsonb as its JSON text). */
export function sqlValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'jsonb') return JSON.stringify(value);
  return type === 'timestamptz' && value instanceof Date ? value.toISOString() : value;
}

/** A value inside a JSON document of rows (jsonb_to_recordset): jsonb stays a JSON value. */
export function jsonValue(type: ColumnType, value: unknown): unknown {
  return type === 'jsonb' ? (value ?? null) : sqlValue(type, value);
}

/** `ON CONFLICT (key) DO UPDATE SET` every other column to the incoming value. */
export function overwriteOnConflict(key: Column, columns: readonly Column[]): string {
  const sets = columns.filter((column) => column.name !== key.name).map((column) => `${column.name} = excluded.${column.name}`);
  return `ON CONFLICT (${key.name}) DO UPDATE SET ${sets.join(', ')}`;
}

#!/usr/bin/env node
// Runs SQL in an in-memory DuckDB and prints the result rows as one JSON array of objects.
//
//   node tests/duckdb/query.mjs "SELECT count(*) AS n FROM read_parquet('x.parquet')"
//   node tests/duckdb/query.mjs "DESCRIBE SELECT * FROM 'x.parquet'"
//   node tests/duckdb/query.mjs "SELECT * FROM parquet_kv_metadata('x.parquet')"
//
// Several statements separated by ';' may be given; the rows of the last one are printed.
// An argument of - reads the SQL from stdin.
// Value mapping (so that an independent reader's view can be compared exactly):
//   integers of any width, DECIMAL  -> JSON numbers, written exactly (no double rounding)
//   FLOAT/DOUBLE                    -> JSON numbers; NaN/Infinity as strings
//   BLOB, GEOMETRY                  -> lowercase hex string of the bytes (WKB for GEOMETRY)
//   TIMESTAMP WITH TIME ZONE        -> ISO 8601 with 'Z', e.g. 2020-01-01T00:00:00.000000Z
//   TIMESTAMP (naive), _S/_MS/_NS   -> ISO 8601 without 'Z'; fraction digits follow the unit
//                                      (µs: 6, ms: 3, ns: 9, s: none)
//   DATE, TIME, UUID, VARCHAR/JSON  -> strings
//   LIST/ARRAY -> arrays, STRUCT -> objects, MAP -> [{key, value}], UNION -> {tag, value}
// Errors: message on stderr, exit code 1; @duckdb/node-api not installed: exit code 3.
import { readFileSync } from 'node:fs';
import { loadDuckDb } from './duckdb.mjs';

const duckdb = loadDuckDb();
const T = duckdb.DuckDBTypeId;

/** A JSON fragment written verbatim (exact big integers and decimals). */
class RawJson {
  constructor(text) { this.text = text; }
}

const hex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

function isoFromUnits(value, units, perSecond, digits, utc) {
  if (value.isFinite === false) return value.toString(); // 'infinity' / '-infinity'
  let seconds = units / perSecond;
  let fraction = units % perSecond;
  if (fraction < 0n) { fraction += perSecond; seconds -= 1n; }
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return value.toString();
  let text = date.toISOString().replace(/\.\d{3}Z$/, '');
  if (digits > 0) text += '.' + fraction.toString().padStart(digits, '0');
  return utc ? text + 'Z' : text;
}

const exact = (v) => new RawJson(String(v));

const converters = {
  [T.BOOLEAN]: duckdb.booleanFromValue,
  [T.TINYINT]: duckdb.numberFromValue,
  [T.SMALLINT]: duckdb.numberFromValue,
  [T.INTEGER]: duckdb.numberFromValue,
  [T.UTINYINT]: duckdb.numberFromValue,
  [T.USMALLINT]: duckdb.numberFromValue,
  [T.UINTEGER]: duckdb.numberFromValue,
  [T.BIGINT]: exact,
  [T.UBIGINT]: exact,
  [T.HUGEINT]: exact,
  [T.UHUGEINT]: exact,
  [T.BIGNUM]: exact,
  [T.DECIMAL]: exact,
  [T.FLOAT]: duckdb.jsonNumberFromValue,
  [T.DOUBLE]: duckdb.jsonNumberFromValue,
  [T.TIMESTAMP]: (v) => isoFromUnits(v, v.micros, 1_000_000n, 6, false),
  [T.TIMESTAMP_TZ]: (v) => isoFromUnits(v, v.micros, 1_000_000n, 6, true),
  [T.TIMESTAMP_S]: (v) => isoFromUnits(v, v.seconds, 1n, 0, false),
  [T.TIMESTAMP_MS]: (v) => isoFromUnits(v, v.millis, 1_000n, 3, false),
  [T.TIMESTAMP_NS]: (v) => isoFromUnits(v, v.nanos, 1_000_000_000n, 9, false),
  [T.DATE]: duckdb.stringFromValue,
  [T.TIME]: duckdb.stringFromValue,
  [T.TIME_TZ]: duckdb.stringFromValue,
  [T.TIME_NS]: duckdb.stringFromValue,
  [T.INTERVAL]: duckdb.jsonObjectFromIntervalValue,
  [T.VARCHAR]: duckdb.stringFromValue,
  [T.ENUM]: duckdb.stringFromValue,
  [T.UUID]: duckdb.stringFromValue,
  [T.BIT]: duckdb.stringFromValue,
  [T.BLOB]: (v) => hex(v.bytes),
  [T.GEOMETRY]: (v) => hex(v.bytes),
  [T.LIST]: duckdb.arrayFromListValue,
  [T.ARRAY]: duckdb.arrayFromArrayValue,
  [T.STRUCT]: duckdb.objectFromStructValue,
  [T.MAP]: duckdb.objectArrayFromMapValue,
  [T.UNION]: duckdb.objectFromUnionValue,
  [T.VARIANT]: duckdb.fromVariantValue,
  [T.SQLNULL]: duckdb.nullConverter,
};
for (const id of Object.values(T)) {
  if (typeof id === 'number' && !(id in converters)) converters[id] = duckdb.unsupportedConverter;
}
const converter = duckdb.createDuckDBValueConverter(converters);

function toJson(v) {
  if (v === null || v === undefined) return 'null';
  if (v instanceof RawJson) return v.text;
  switch (typeof v) {
    case 'bigint': return v.toString();
    case 'number': return Number.isFinite(v) ? JSON.stringify(v) : JSON.stringify(String(v));
    case 'string':
    case 'boolean': return JSON.stringify(v);
  }
  if (Array.isArray(v)) return '[' + v.map(toJson).join(',') + ']';
  return '{' + Object.entries(v).map(([k, x]) => JSON.stringify(k) + ':' + toJson(x)).join(',') + '}';
}

async function main(argv) {
  // "-" reads the SQL from stdin: generated SQL can exceed the operating system's argument limit.
  const sql = argv.length === 1 && argv[0] === '-' ? readFileSync(0, 'utf8') : argv[0];
  if (argv.length !== 1 || !sql.trim()) {
    throw new Error('usage: node tests/duckdb/query.mjs "<SQL>" (or - to read it from stdin)');
  }
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    const rows = reader.convertRowObjects(converter);
    process.stdout.write('[' + rows.map(toJson).join(',\n') + ']\n');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${err?.message ?? err}\n`);
  process.exitCode = 1;
});

#!/usr/bin/env node
// The peer a user would pick instead of StacPkg to turn Items into Parquet or back: DuckDB's COPY.
//   node bench/duckdb-copy.mjs IN OUT [THREADS=2]
// IN is NDJSON (read_ndjson) or .parquet (read_parquet); OUT is .parquet (FORMAT parquet, DuckDB's
// defaults) or NDJSON (FORMAT json: one object per line).
// Prints {"rows": N} on success; errors go to stderr with exit code 1.
import { loadDuckDb } from '../tests/duckdb/duckdb.mjs';

const [input, output, threads = '2'] = process.argv.slice(2);
if (!input || !output || !/^\d+$/.test(threads)) {
  process.stderr.write('usage: node bench/duckdb-copy.mjs IN OUT [THREADS]\n');
  process.exit(1);
}
const quote = (s) => "'" + s.replaceAll("'", "''") + "'";
const isParquet = (s) => s.toLowerCase().endsWith('.parquet');
const source = isParquet(input) ? `read_parquet(${quote(input)})` : `read_ndjson(${quote(input)})`;
const format = isParquet(output) ? 'parquet' : 'json';
const duckdb = loadDuckDb();
try {
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(
    `SET threads=${threads}; ` +
    `COPY (SELECT * FROM ${source}) TO ${quote(output)} (FORMAT ${format})`);
  const rows = reader.getRowsJson();
  process.stdout.write(JSON.stringify({ rows: Number(rows[0]?.[0] ?? -1) }) + '\n');
  connection.closeSync();
  instance.closeSync();
} catch (err) {
  process.stderr.write(`${err?.message ?? err}\n`);
  process.exitCode = 1;
}

#!/usr/bin/env node
// The peer a user would pick instead of StacPkg for NDJSON -> Parquet: DuckDB's COPY.
//   node bench/duckdb-copy.mjs IN.ndjson OUT.parquet [THREADS=2]
// Prints {"rows": N} on success; errors go to stderr with exit code 1.
import { loadDuckDb } from '../tests/duckdb/duckdb.mjs';

const [input, output, threads = '2'] = process.argv.slice(2);
if (!input || !output || !/^\d+$/.test(threads)) {
  process.stderr.write('usage: node bench/duckdb-copy.mjs IN.ndjson OUT.parquet [THREADS]\n');
  process.exit(1);
}
const quote = (s) => "'" + s.replaceAll("'", "''") + "'";
const duckdb = loadDuckDb();
try {
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(
    `SET threads=${threads}; ` +
    `COPY (SELECT * FROM read_ndjson(${quote(input)})) TO ${quote(output)} (FORMAT parquet)`);
  const rows = reader.getRowsJson();
  process.stdout.write(JSON.stringify({ rows: Number(rows[0]?.[0] ?? -1) }) + '\n');
  connection.closeSync();
  instance.closeSync();
} catch (err) {
  process.stderr.write(`${err?.message ?? err}\n`);
  process.exitCode = 1;
}

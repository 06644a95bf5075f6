// Shared loader for the pinned @duckdb/node-api (tests/servers/package.json).
// ESM resolution would not look in tests/servers/node_modules, so resolve from there explicitly.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const serversDir = fileURLToPath(new URL('../servers/', import.meta.url));

/** Exit code that means "the npm package is not installed" (not a SQL error). */
export const EXIT_NOT_INSTALLED = 3;

export function loadDuckDb() {
  const require = createRequire(path.join(serversDir, 'package.json'));
  try {
    return require('@duckdb/node-api');
  } catch (err) {
    process.stderr.write(
      `@duckdb/node-api is not installed: run 'npm ci --prefix tests/servers' (${err.message})\n`);
    process.exit(EXIT_NOT_INSTALLED);
  }
}

#!/usr/bin/env node
// Validates one JSON document (on stdin) against a JSON Schema (draft-07) with ajv and prints
// {"valid": true} or {"valid": false, "errors": [...]} as one line of JSON.
//
//   node tests/schemas/validate.mjs tests/schemas/geoparquet-1.1.0.json < geo.json
//
// Every other .json file beside the schema is added first, so a "$ref" to another schema by its
// "$id" (GeoParquet's crs -> PROJJSON) resolves offline.
// The stac-geoparquet schema file says "version": {"const": "1.0.0"} while its spec text says "the
// only allowed values are 1.1.0 and 1.0.0" (see tests/schemas/README.md): that one keyword
// is relaxed here to the spec text's enum, and nothing else is changed.
// Errors: message on stderr, exit code 1; ajv not installed: exit code 3.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(join(dirname(new URL(import.meta.url).pathname), '..', 'servers', 'package.json'));
let Ajv;
try {
  Ajv = require('ajv');
} catch {
  console.error("ajv is not installed: run 'npm ci --prefix tests/servers'");
  process.exit(3);
}

const STAC_GEOPARQUET_ID = 'https://stac-utils.github.io/stac-geoparquet/json-schema/metadata.json';

function load(path) {
  const schema = JSON.parse(readFileSync(path, 'utf8'));
  const version = schema.$id === STAC_GEOPARQUET_ID ? schema.properties?.version : undefined;
  if (version?.const === '1.0.0') {
    delete version.const;
    version.enum = ['1.1.0', '1.0.0'];
  }
  return schema;
}

try {
  const schemaPath = resolve(process.argv[2] ?? '');
  const ajv = new (Ajv.default ?? Ajv)({ allErrors: true, strict: false });
  for (const name of readdirSync(dirname(schemaPath))) {
    if (name.endsWith('.json') && name !== basename(schemaPath)) {
      const other = load(join(dirname(schemaPath), name));
      if (other.$id) ajv.addSchema(other);
    }
  }
  const validate = ajv.compile(load(schemaPath));
  const document = JSON.parse(readFileSync(0, 'utf8'));
  const valid = validate(document);
  console.log(JSON.stringify(valid ? { valid } : { valid, errors: validate.errors }));
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

/**
 * Writes docs/openapi.json from the zod schemas. Run after changing a schema:
 *   npx tsx scripts/write-openapi.ts
 * test/unit/customer-request/openapi.test.ts fails while the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../functions/customer-request/domain/openapi';

const OPENAPI_PATH = join(__dirname, '..', 'docs', 'openapi.json');

writeFileSync(OPENAPI_PATH, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log(`wrote ${OPENAPI_PATH}`);

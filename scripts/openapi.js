#!/usr/bin/env node
// `npm run openapi`: write openapi.json, the document that GET /api/openapi.json serves, generated from the
// built route table (dist/, so build first: the npm script does). tests/http/openapi.test.ts fails while
// the file differs from what the gateway serves.
const fs = require('node:fs');
const path = require('node:path');
const { apiRoutes } = require('../dist/src/http/api/routes');
const { apiDocument } = require('../dist/src/http/api/openapi');

// The handlers are never called here, so the route table needs none of its dependencies.
const document = apiDocument(apiRoutes({}));
const file = path.join(__dirname, '..', 'openapi.json');
fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
console.log(`${path.relative(process.cwd(), file)}: ${Object.keys(document.paths).length} paths`);

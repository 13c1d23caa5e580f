#!/usr/bin/env node
// Validates OpenAPI 3.x / Swagger 2.0 documents (JSON or YAML files) with @apidevtools/swagger-parser,
// an implementation independent of Archway's. Exits 0 when every file is valid, 1 with the errors
// otherwise, 2 on bad usage.
'use strict';
const SwaggerParser = require('@apidevtools/swagger-parser');

async function main(files) {
  if (files.length === 0) {
    console.error('usage: check.js <definition file>...');
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    try {
      const api = await SwaggerParser.validate(file);
      console.log(`${file}: valid ${api.openapi ? 'OpenAPI ' + api.openapi : 'Swagger ' + api.swagger}`);
    } catch (err) {
      failed++;
      console.error(`${file}: INVALID`);
      console.error(err && err.message ? err.message : String(err));
      if (err && Array.isArray(err.details)) console.error(JSON.stringify(err.details, null, 2));
    }
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});

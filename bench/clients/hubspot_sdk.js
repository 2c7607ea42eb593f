// Peer: HubSpot's official Node SDK, `client.crm.contacts.getAll` (it pages 100 at a time and
// returns every record at the end), then NDJSON. Mode `all` first reads the contact property
// names and asks for every one of them; mode `default` gets HubSpot's default properties.
// Usage: node hubspot_sdk.js BASE_URL OUT.ndjson all|default   (token in $BENCH_TOKEN)
'use strict';
const fs = require('fs');
const hubspot = require('@hubspot/api-client');

async function main() {
  const [base, out_path, mode] = process.argv.slice(2);
  if (mode !== 'all' && mode !== 'default') throw new Error(`mode must be all or default, not ${mode}`);
  const client = new hubspot.Client({ accessToken: process.env.BENCH_TOKEN, basePath: base });
  let properties;
  if (mode === 'all') {
    const described = await client.crm.properties.coreApi.getAll('contacts');
    properties = described.results.map((p) => p.name);
  }
  const contacts = await client.crm.contacts.getAll(100, undefined, properties);
  const out = fs.openSync(out_path, 'w');
  // One write per 1000 records keeps the output step from dominating the measurement.
  for (let i = 0; i < contacts.length; i += 1000) {
    fs.writeSync(out, contacts.slice(i, i + 1000).map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
  fs.closeSync(out);
}

main().catch((e) => {
  console.error('hubspot_sdk:', e && e.message ? e.message : e);
  process.exit(1);
});

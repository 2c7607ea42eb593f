// Peer: Pipedrive's official Node SDK reading v2 persons page by page (cursor), as its README
// shows, writing NDJSON so the harness can check the records against the dump.
// Usage: node pipedrive_sdk.js BASE_URL OUT.ndjson   (token in $BENCH_TOKEN, never on argv)
'use strict';
const fs = require('fs');
const { v2 } = require('pipedrive');

async function main() {
  const [base, out_path] = process.argv.slice(2);
  const config = new v2.Configuration({ apiKey: process.env.BENCH_TOKEN, basePath: `${base}/api/v2` });
  const api = new v2.PersonsApi(config);
  // axios offers br by default; crm-fake would then compress every page with Brotli at its
  // slowest setting, which measures the fake. Every client asks for what crmexport asks for.
  api.axios.defaults.headers.common['Accept-Encoding'] = 'gzip, deflate';
  const out = fs.openSync(out_path, 'w');
  let cursor;
  do {
    const page = await api.getPersons({ limit: 500, cursor });
    if (page.data.length > 0) fs.writeSync(out, page.data.map((r) => JSON.stringify(r)).join('\n') + '\n');
    cursor = page.additional_data && page.additional_data.next_cursor;
  } while (cursor);
  fs.closeSync(out);
}

main().catch((e) => {
  console.error('pipedrive_sdk:', e && e.message ? e.message : e);
  process.exit(1);
});

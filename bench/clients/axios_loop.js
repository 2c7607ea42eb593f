// Peer: a plain axios loop over Pipedrive v2 persons (cursor paging), writing NDJSON.
// Usage: node axios_loop.js BASE_URL OUT.ndjson   (token in $BENCH_TOKEN)
'use strict';
const fs = require('fs');
const axios = require('axios');

async function main() {
  const [base, out_path] = process.argv.slice(2);
  // gzip/deflate only, like crmexport: crm-fake's Brotli runs at its slowest setting.
  const http = axios.create({
    baseURL: `${base}/api/v2`,
    headers: { 'x-api-token': process.env.BENCH_TOKEN, 'Accept-Encoding': 'gzip, deflate' },
  });
  const out = fs.openSync(out_path, 'w');
  let cursor;
  do {
    const params = { limit: 500 };
    if (cursor) params.cursor = cursor;
    const page = (await http.get('/persons', { params })).data;
    if (page.data.length > 0) fs.writeSync(out, page.data.map((r) => JSON.stringify(r)).join('\n') + '\n');
    cursor = page.additional_data && page.additional_data.next_cursor;
  } while (cursor);
  fs.closeSync(out);
}

main().catch((e) => {
  console.error('axios_loop:', e && e.message ? e.message : e);
  process.exit(1);
});

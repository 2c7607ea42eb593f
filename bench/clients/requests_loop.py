"""Peer: a plain Python `requests` loop over Pipedrive v2 persons (cursor paging), writing NDJSON.

Usage: python3 requests_loop.py BASE_URL OUT.ndjson   (token in $BENCH_TOKEN)
Runs under Debian's /usr/bin/python3 with the python3-requests package.
"""
import json
import os
import sys

import requests


def main() -> int:
    base, out_path = sys.argv[1], sys.argv[2]
    session = requests.Session()
    # gzip/deflate only, like crmexport (requests offers br when a Brotli module is installed).
    session.headers.update({"x-api-token": os.environ["BENCH_TOKEN"], "Accept-Encoding": "gzip, deflate"})
    cursor = None
    with open(out_path, "w", encoding="utf-8") as out:
        while True:
            params = {"limit": 500}
            if cursor:
                params["cursor"] = cursor
            answer = session.get(f"{base}/api/v2/persons", params=params, timeout=60)
            answer.raise_for_status()
            page = answer.json()
            for record in page["data"]:
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
                out.write("\n")
            cursor = (page.get("additional_data") or {}).get("next_cursor")
            if not cursor:
                return 0


if __name__ == "__main__":
    sys.exit(main())

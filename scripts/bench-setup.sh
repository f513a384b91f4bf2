#!/usr/bin/env bash
# What `npm run bench` needs beyond npm: Debian's Python packages for the original service it
# measures side by side (bench/seed-service.ts). Without them the bench says "not run" for it.
set -euo pipefail
if /usr/bin/python3 -c 'import sqlalchemy, asyncpg, msgpack' 2>/dev/null; then
  echo "bench setup: the original service's Python packages are installed"
  exit 0
fi
apt-get install -y python3-sqlalchemy python3-asyncpg python3-msgpack

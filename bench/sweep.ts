/**
 * The sweep at scale, as rates and peak RSS.
 *
 *   tsx bench/sweep.ts [--keys 1000000] [--s3-keys 100000]
 *
 * A store of `keys` blobs (a directory; an s3rver bucket, s3rver in a child process of its
 * own) of which 10% no row names, beside a hub whose object rows name the rest (built once
 * into a template, like bench/run.ts's); the built CLI sweeps it with grace 0, so every stray
 * goes, in a process of its own whose peak RSS GNU time reports. `--keys 0` or `--s3-keys 0`
 * leaves that store out. bench/run.ts calls benchSweep.
 */
import '../src/storage/sdk-env.js';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SnakeCased } from '../src/commands/output.js';
import type { SweepResult } from '../src/gc/service.js';
import { keyForId, type BlobStore } from '../src/storage/blob-store.js';
import { openBlobStore } from '../src/storage/open.js';
import { forEachLimited } from '../src/storage/pool.js';
import { S3RVER_CREDENTIALS } from '../test/support/s3.js';
import { cli, perSecond } from './measure.js';
import { benchTemplate, databaseUrl, freshCopy } from './templates.js';

/** Blobs written at once while building a store. */
const WRITES_IN_FLIGHT = 64;
const STRAY_SHARE = 0.1;

/** Blob ids spread as sha256 ids are: over every key range a listing splits. */
const idOf = (n: number) => `sha256:${createHash('sha256').update(String(n)).digest('hex')}`;

/** A fresh copy of a hub whose object rows name all but every tenth of `keys` blob ids; its URL. */
async function namingHub(adminUrl: string, keys: number): Promise<string> {
  const name = await benchTemplate(adminUrl, `musehub_gc_bench_sweep_${keys}`, (db) =>
    db.knex().raw(
      `
    insert into musehub_objects (object_id, size_bytes)
    select 'sha256:' || encode(sha256(n::text::bytea), 'hex'), 8 from generate_series(0, ? - 1) as n where n % 10 <> 0`,
      [keys],
    ),
  );
  return databaseUrl(adminUrl, await freshCopy(adminUrl, name));
}

/** Writes `keys` eight-byte blobs to `store`, or straight to files under `root` for a directory. */
async function fill(keys: number, target: { root: string } | { store: BlobStore }): Promise<void> {
  const ns = Array.from({ length: keys }, (_, n) => n);
  if ('root' in target) mkdirSync(join(target.root, 'objects'), { recursive: true });
  await forEachLimited(ns, WRITES_IN_FLIGHT, (n) =>
    'root' in target
      ? writeFile(join(target.root, keyForId(idOf(n))), 'eight by')
      : target.store.put({ id: idOf(n) }, new TextEncoder().encode('eight by')),
  );
}

/** `musehub-gc sweep --yes --grace 0` on the store `storage` names; its report line. */
function sweepLine(label: string, keys: number, env: Record<string, string>): string[] {
  const run = cli(['sweep', '--yes', '--json', '--grace', '0'], env);
  const result = JSON.parse(run.stdout) as SnakeCased<SweepResult>;
  const strays = Math.ceil(keys * STRAY_SHARE);
  if (result.deleted !== strays || result.listed !== keys) {
    throw new Error(`${label}: listed ${result.listed} of ${keys}, deleted ${result.deleted} of ${strays} strays`);
  }
  return [
    `  ${label.padEnd(30)}${run.seconds.toFixed(1).padStart(6)} s   ${perSecond(keys, run.seconds)} keys listed and compared   ` +
      `${result.deleted.toLocaleString('en')} strays deleted   peak RSS ${run.rssMiB} MiB`,
    `    where the time goes: ${Object.entries(result.profile)
      .map(([step, seconds]) => `${step} ${seconds.toFixed(1)} s`)
      .join(', ')}`,
  ];
}

/** s3rver in a child process on a free loopback port; resolves to its endpoint and a stop function. */
async function startS3rver(directory: string): Promise<{ endpoint: string; stop: () => void }> {
  const bin = fileURLToPath(new URL('../node_modules/s3rver/bin/s3rver.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [bin, '-d', directory, '-a', '127.0.0.1', '-p', '0', '--configure-bucket', 'bench'],
    // s3rver's MD5s need OpenSSL's legacy provider on Node 17+, as in the tests.
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --openssl-legacy-provider` },
    },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const port = /port (\d+)|:(\d+)/.exec(seen);
      if (port) resolve(`http://127.0.0.1:${port[1] ?? port[2]}`);
    });
    child.on('exit', (code) => reject(new Error(`s3rver exited (${code}) before it listened: ${seen}`)));
  });
  return { endpoint, stop: () => child.kill() };
}

/** Sweeps a directory of `fileKeys` blobs and an s3rver bucket of `s3Keys`, each with 10% strays; 0 leaves one out. */
export async function benchSweep(adminUrl: string, fileKeys: number, s3Keys: number): Promise<string[]> {
  const lines = [`sweep, the built CLI (grace 0, ${STRAY_SHARE * 100}% of keys named by no row):`];
  const dir = mkdtempSync(join(tmpdir(), 'mhgc-bench-sweep-'));
  try {
    if (fileKeys > 0) {
      const root = join(dir, 'files');
      await fill(fileKeys, { root });
      lines.push(
        ...sweepLine(`file store, ${fileKeys.toLocaleString('en')} keys`, fileKeys, {
          DATABASE_URL: await namingHub(adminUrl, fileKeys),
          MUSEHUB_STORAGE: `file://${root}`,
        }),
      );
    }
    if (s3Keys > 0) {
      const credentials = {
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      };
      Object.assign(process.env, credentials);
      const s3rver = await startS3rver(join(dir, 's3rver'));
      const storage = `s3://bench?endpoint=${s3rver.endpoint}&region=us-east-1`;
      try {
        const bucket = await openBlobStore(storage);
        try {
          await fill(s3Keys, { store: bucket });
        } finally {
          await bucket.close();
        }
        lines.push(
          ...sweepLine(`s3rver, ${s3Keys.toLocaleString('en')} keys`, s3Keys, {
            ...credentials,
            DATABASE_URL: await namingHub(adminUrl, s3Keys),
            MUSEHUB_STORAGE: storage,
          }),
        );
      } finally {
        s3rver.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string', default: '1000000' },
      's3-keys': { type: 'string', default: '100000' },
    },
  });
  execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  for (const line of await benchSweep(adminUrl, Number(values.keys), Number(values['s3-keys']))) console.log(line);
}

/**
 * What a command loads before it works: the help and a usage error need no database driver, ORM,
 * S3 SDK, PGlite or Ink; a command on a hub whose migrations are all applied loads MikroORM but
 * not its migrator. Each heavy package costs a start tenths of a second (docs/performance-start.md).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverTarget, type TestDatabase } from '../support/databases.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HEAVY = [
  '@mikro-orm/core',
  '@mikro-orm/postgresql',
  '@mikro-orm/migrations',
  'knex',
  'pg',
  '@aws-sdk/client-s3',
  '@electric-sql/pglite',
  'ink',
  'react',
];
const work = mkdtempSync(join(tmpdir(), 'mhgc-start-'));
let runs = 0;

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `musehub-gc args…` without a terminal: its exit code, and the packages it loaded. */
function packagesLoaded(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; packages: Set<string> }> {
  const record = join(work, `imports-${++runs}`);
  return new Promise((resolve) => {
    const node = ['--import', 'tsx', '--import', './test/support/record-imports.mjs', 'src/cli.tsx', ...args];
    const hub = { DATABASE_URL: '', MUSEHUB_STORAGE: '', XDG_CACHE_HOME: work };
    const child = execFile(
      process.execPath,
      node,
      { cwd: ROOT, env: { ...process.env, ...hub, RECORD_IMPORTS: record, ...env } },
      (error) => {
        const urls = readFileSync(record, 'utf8').split('\n');
        const packages = new Set(
          urls.map((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((name) => name !== undefined),
        );
        resolve({ code: error ? Number(error.code) : 0, packages });
      },
    );
    child.stdin?.end();
  });
}

describe('what a command loads', () => {
  it("--help, a command's --help and a usage error load none of the heavy packages", async () => {
    for (const [args, code] of [
      [['--help'], 0],
      [['repos', '--help'], 0],
      [['plna'], 2],
      [['repos', '--jsn'], 2],
    ] as const) {
      const { code: exited, packages } = await packagesLoaded([...args]);
      expect(exited, args.join(' ')).toBe(code);
      expect(
        HEAVY.filter((name) => packages.has(name)),
        args.join(' '),
      ).toEqual([]);
    }
  });
});

describe.each(await serverTarget())('what a command loads on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.create();
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('repos on a hub whose migrations are all applied loads MikroORM, not its migrator, PGlite, S3 or Ink', async () => {
    const { code, packages } = await packagesLoaded(['repos', '--json'], { DATABASE_URL: test.url });
    expect(code).toBe(0);
    expect(packages.has('@mikro-orm/postgresql')).toBe(true);
    const unneeded = ['@mikro-orm/migrations', '@electric-sql/pglite', '@aws-sdk/client-s3', 'ink', 'react'];
    expect(unneeded.filter((name) => packages.has(name))).toEqual([]);
  });
});

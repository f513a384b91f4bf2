/**
 * `npm start` (scripts/start.mjs) runs compiled code: on a fresh clone it builds first and says so,
 * then starts without building while dist/ is up to date, and builds again once src/ changes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('npm start', () => {
  const clone = mkdtempSync(join(tmpdir(), 'musehub-gc-start-'));
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it('builds a fresh clone first, then starts from dist/ until src/ changes', () => {
    for (const path of ['src', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
      cpSync(join(ROOT, path), join(clone, path), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    const start = () =>
      spawnSync(process.execPath, ['scripts/start.mjs', '--version'], { cwd: clone, encoding: 'utf8' });

    const fresh = start();
    expect(fresh.stderr).toMatch(/^building musehub-gc first \(dist\/ is missing or older than src\/\)…\n/);
    expect(fresh.stdout).toMatch(/^musehub-gc \d+\.\d+\.\d+\n$/);
    expect(fresh.status).toBe(0);

    const warm = start();
    expect(warm.stderr).toBe('');
    expect(warm.stdout).toBe(fresh.stdout);

    const edited = new Date();
    utimesSync(join(clone, 'src/cli.tsx'), edited, edited);
    expect(start().stderr).toMatch(/^building musehub-gc first/);
    expect(start().stderr).toBe('');
  }, 300_000);
});

/** The CLI's answers to bad input and unreachable hubs: one line, the right exit code, no stack. */
import { describe, expect, it } from 'vitest';
import { cli, lines } from './run-cli.js';

/** A single `musehub-gc: …` line on stderr, without a stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(lines(stderr)).toHaveLength(1);
  expect(stderr).toMatch(/^musehub-gc: /);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('musehub-gc without a hub', () => {
  it("prints help with the exit codes, and a command's help", async () => {
    const all = await cli(['--help']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/Exit codes:/);
    for (const command of ['repos', 'plan', 'run', 'history', 'resume', 'demo']) {
      expect(all.stdout).toContain(`musehub-gc ${command}`);
    }
    const run = await cli(['run', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: musehub-gc run \(<repo> \| --plan FILE \| --all\)/);
    expect(run.stdout).toContain('--phases');
  });

  it('refuses bad arguments with exit 2 and one line', async () => {
    const unknownOption = await cli(['plan', 'a/b', '--frobnicate']);
    expect(unknownOption.code).toBe(2);
    expectOneLine(unknownOption.stderr, /--frobnicate/);
    const unknownCommand = await cli(['collect']);
    expect(unknownCommand.code).toBe(2);
    expectOneLine(unknownCommand.stderr, /no command "collect"/);
    const badGrace = await cli(['plan', 'a/b', '--grace', 'soon']);
    expect(badGrace.code).toBe(2);
    expectOneLine(badGrace.stderr, /duration "soon"/);
    const badPhase = await cli(['run', 'a/b', '--yes', '--phases', 'commits,blobs']);
    expect(badPhase.code).toBe(2);
    expectOneLine(badPhase.stderr, /no phase "blobs"/);
  });

  it('says in one line how to go headless when the console has no terminal (exit 2)', async () => {
    const outcome = await cli([]);
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    expectOneLine(
      outcome.stderr,
      /the console needs a terminal; without one, name a command \(repos, plan, why, run, .*\): musehub-gc --help/,
    );
  });

  it('suggests the nearest command and option, in its own words', async () => {
    const command = await cli(['plna', 'a/b']);
    expect(command.code).toBe(2);
    expectOneLine(
      command.stderr,
      /^musehub-gc: no command "plna": did you mean plan\? \(the commands are repos, plan, why, /,
    );
    const option = await cli(['plan', 'a/b', '--jsn']);
    expect(option.code).toBe(2);
    expectOneLine(
      option.stderr,
      /^musehub-gc: no option --jsn: did you mean --json\? \(musehub-gc --help lists them\)\n$/,
    );
    expectOneLine((await cli(['run', 'a/b', '--dryrun'])).stderr, /no option --dryrun: did you mean --dry-run\?/);
    expectOneLine(
      (await cli(['repos', '--frobnicate'])).stderr,
      /^musehub-gc: no option --frobnicate \(musehub-gc --help lists them\)\n$/,
    );
    expectOneLine((await cli(['repos', '-q'])).stderr, /^musehub-gc: no option -q \(/);
    expectOneLine(
      (await cli(['plan', 'a/b', '--grace'])).stderr,
      /^musehub-gc: --grace wants a value: --grace VALUE\n$/,
    );
    expectOneLine((await cli(['repos', '--json=yes'])).stderr, /^musehub-gc: --json takes no value, not "yes"\n$/);
    for (const outcome of [command, option])
      expect(outcome.stderr).not.toMatch(/Unknown option|To specify a positional/);
  });

  it('says in one line what run --all wants, before touching a hub', async () => {
    expectOneLine((await cli(['run', '--all'])).stderr, /run --all collects every repo without asking: pass --yes/);
    expectOneLine(
      (await cli(['run', '--all', '--yes', '--workers', '0'])).stderr,
      /--workers wants a whole number of at least 1/,
    );
    expectOneLine(
      (await cli(['run', '--all', '--yes', '--metrics-file', 'gc.txt'])).stderr,
      /reads only \*\.prom files/,
    );
  });

  it('refuses a malformed DATABASE_URL with exit 2', async () => {
    const outcome = await cli(['repos'], { DATABASE_URL: 'not a url' });
    expect(outcome.code).toBe(2);
    expectOneLine(outcome.stderr, /DATABASE_URL is not a URL/);
  });

  it('reports an unreachable server with exit 1 and no stack', async () => {
    const outcome = await cli(['repos'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/musehub' });
    expect(outcome.code).toBe(1);
    expectOneLine(outcome.stderr, /cannot reach PostgreSQL at 127\.0\.0\.1:1/);
  });

  it('refuses an unknown storage scheme with exit 2 before touching the database', async () => {
    const outcome = await cli(['run', 'a/b', '--yes', '--storage', 'ftp://host/blobs'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/musehub',
    });
    expect(outcome.code).toBe(2);
    expectOneLine(outcome.stderr, /scheme 'ftp:' is not supported/);
  });
});

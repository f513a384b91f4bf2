/**
 * `npm start`: the console from compiled code, not through a TypeScript loader. Builds first, saying
 * so, when dist/ is missing or older than what it is built from (a fresh clone, a pull, an edit);
 * then runs dist/cli.js in this same process, with the same arguments.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);

function modified(path) {
  try {
    return statSync(new URL(path, root)).mtimeMs;
  } catch {
    return 0;
  }
}

/** The newest modification under `dir`. */
function newest(dir) {
  return readdirSync(new URL(dir, root), { recursive: true })
    .reduce((latest, path) => Math.max(latest, modified(`${dir}/${path}`)), 0);
}

// When the last build ended: `npm run build` copies the schema into dist/ once tsc has succeeded (tsc itself
// may leave an output it did not change as it was, so no compiled file says when the build ran).
const built = modified('dist/db/musehub-schema.sql');
const sources = Math.max(newest('src'), modified('package.json'), modified('tsconfig.json'), modified('tsconfig.build.json'));
if (built < sources) {
  process.stderr.write('building musehub-gc first (dist/ is missing or older than src/)…\n');
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  } catch (error) {
    process.stderr.write(`musehub-gc: the build failed (${error.message.split('\n')[0]}); ` +
      'fix it, or run `npm run build` to see why\n');
    process.exit(1);
  }
}
await import(new URL('dist/cli.js', root).href);

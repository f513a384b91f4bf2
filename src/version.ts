/** This tool's name and version, as `--version` prints it and a plan file records who made it with. */
import { readFileSync } from 'node:fs';

/** `musehub-gc 0.1.0`: the version in package.json, which sits beside src/ and dist/ alike. */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return `musehub-gc ${pkg.version}`;
}

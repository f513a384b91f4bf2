/**
 * Files a command writes besides its output (--metrics-file, --report): their directory is
 * checked before any work starts, and each is written whole or not at all, as a temporary
 * file in the same directory renamed over it, so that a reader never sees half of one.
 */
import { statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** The absolute path `--option` names, once its directory is known to exist. */
export function outputPath(option: string, path: string): string {
  const absolute = resolve(path);
  const directory = dirname(absolute);
  let isDirectory = false;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch {
    // Said below, the same way as a file in its place.
  }
  if (!isDirectory)
    throw new UsageError(
      `--${option} ${path}: there is no directory ${directory}; create it or name a file in another`,
    );
  return absolute;
}

export async function writeFileAtomically(path: string, text: string): Promise<void> {
  // A leading dot and no .prom ending: node_exporter's textfile collector passes over it meanwhile.
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * `node --import ./test/support/record-imports.mjs …`: appends every module the program resolves
 * (its URL, one a line) to the file RECORD_IMPORTS names, so a test can say what a command loaded.
 */
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url);

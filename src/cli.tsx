#!/usr/bin/env node
/** The musehub-gc program: the console with no command, else a headless command (musehub-gc --help). */
// First: it sets the environment the S3 SDK reads when it loads.
import './storage/sdk-env.js';
import { main } from './commands/main.js';

const code = await main(process.argv.slice(2));
// Close stdout's pending writes before leaving; a lingering handle (the pg pool) must not keep us alive.
process.stdout.write('', () => process.exit(code));

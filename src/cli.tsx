#!/usr/bin/env node
/** The musehub-gc program: the console with no command, else a headless command (musehub-gc --help). */
// First: it sets the environment the S3 SDK reads when it loads.
import './storage/sdk-env.js';
import { exitWith } from './commands/interrupt.js';
import { main } from './commands/main.js';

const code = await main(process.argv.slice(2));
// Flush stdout, then leave: a lingering handle (the pg pool's timers) must not keep us alive.
process.stdout.write('', () => exitWith(code));

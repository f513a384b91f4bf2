/**
 * Asking the operator before each phase, on the terminal. The answer defaults to
 * no; a blob phase (objects, cache) wants the repo's slug typed out, because what
 * it deletes from storage cannot be undone.
 */
import { createInterface } from 'node:readline/promises';
import { phaseNamed } from '../gc/phases/table.js';
import { repoName, type Decision, type PhasePlan, type Plan } from '../gc/types.js';
import { describeDeletes } from '../present.js';

/** Asks whether to run `phase`: 'go' on yes, 'skip' on anything else, 'stop' on Ctrl-C or end of input. */
export async function askPhase(phase: PhasePlan, plan: Plan): Promise<Decision> {
  const name = repoName(plan.repo);
  const blobs = phaseNamed(phase.phase).blobs;
  const question = blobs
    ? `Delete ${describeDeletes(phase)} of ${name} from storage? Type the slug (${plan.repo.slug}) to confirm: `
    : `Delete ${describeDeletes(phase)} of ${name}? [y/N] `;
  const answer = await ask(question);
  if (answer === undefined) return 'stop';
  return (blobs ? answer === plan.repo.slug : isYes(answer)) ? 'go' : 'skip';
}

/** Asks a yes/no question; only `y` or `yes` is yes (Ctrl-C and end of input are no). */
export async function askYes(question: string): Promise<boolean> {
  return isYes(await ask(question) ?? '');
}

function isYes(answer: string): boolean {
  return /^y(es)?$/i.test(answer);
}

/** The trimmed answer to `question` on the terminal, or undefined on Ctrl-C or end of input. */
async function ask(question: string): Promise<string | undefined> {
  // One interface per question: between prompts, Ctrl-C reaches the process's own handler.
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const ended = new AbortController();
  rl.on('SIGINT', () => ended.abort());
  rl.on('close', () => ended.abort());
  try {
    return (await rl.question(question, { signal: ended.signal })).trim();
  } catch {
    process.stderr.write('\n');
    return undefined;
  } finally {
    rl.close();
  }
}

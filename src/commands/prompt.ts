/**
 * Asking the operator before each phase, on the terminal, as present/run.ts says: the answer
 * defaults to no, and a blob phase wants the repo's slug typed out.
 */
import { createInterface } from 'node:readline/promises';
import type { Decision, PhasePlan, Plan } from '../gc/types.js';
import { confirmationOf, phaseQuestion } from '../present/run.js';

/** Asks whether to run `phase`: 'go' on yes, 'skip' on anything else, 'stop' on Ctrl-C or end of input. */
export async function askPhase(phase: PhasePlan, plan: Plan): Promise<Decision> {
  const slug = confirmationOf(phase) === 'slug';
  const answer = await ask(`${phaseQuestion(plan, phase)}${slug ? ': ' : ' '}`);
  if (answer === undefined) return 'stop';
  return (slug ? answer === plan.repo.slug : isYes(answer)) ? 'go' : 'skip';
}

/** Asks a yes/no question; only `y` or `yes` is yes (Ctrl-C and end of input are no). */
export async function askYes(question: string): Promise<boolean> {
  return isYes((await ask(question)) ?? '');
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

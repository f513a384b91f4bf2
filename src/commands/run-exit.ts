/** The exit codes of a run and of a hub pass, as --help documents them. */
import type { HubResult } from '../gc/hub/types.js';
import type { PhaseName, RunResult } from '../gc/types.js';
import { EXIT } from './command.js';

/** 1 when anything failed; 3 when the run was refused, stopped, declined or a requested phase refused; else 0. */
export function runExitCode(result: RunResult, phases: readonly PhaseName[] | undefined, declined: number): number {
  if (result.outcome === 'failed' || (result.errors.length > 0 && result.outcome !== 'refused')) return EXIT.failed;
  const refusedPhase = result.phases.some(
    (phase) => phase.status === 'refused' && (!phases || phases.includes(phase.phase)),
  );
  if (result.outcome !== 'done' || refusedPhase || declined > 0) return EXIT.refused;
  return EXIT.done;
}

/**
 * 1 when any repo failed; else 3 when any was refused a requested phase, or the pass was stopped
 * before every repo started; else 0. A repo another process holds or collected is no failure.
 */
export function hubExitCode(result: HubResult, phases: readonly PhaseName[] | undefined): number {
  let code: number = result.outcome === 'stopped' ? EXIT.refused : EXIT.done;
  for (const repo of result.repos) {
    const repoCode = repo.result
      ? runExitCode(repo.result, phases, 0)
      : repo.status === 'failed'
        ? EXIT.failed
        : EXIT.done;
    if (repoCode === EXIT.failed) return EXIT.failed;
    if (repoCode === EXIT.refused) code = EXIT.refused;
  }
  return code;
}

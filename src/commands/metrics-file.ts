/**
 * `--metrics-file PATH`: what the last run did, in the Prometheus text format, for
 * node_exporter's textfile collector (which reads `*.prom` files in its directory, so the
 * file is written whole under a temporary name and renamed). Per repo that this process
 * ran, and for the hub after `run --all`. Every series is a gauge of the last run; the hub's
 * label tells hubs apart on one machine.
 */
import { Gauge, Registry } from 'prom-client';
import type { HubRepoResult, HubRepoStatus, HubResult } from '../gc/hub/types.js';
import { PHASES } from '../gc/phases/catalog.js';
import type { PhaseResult, RunResult } from '../gc/types.js';
import { writeFileAtomically } from './output-file.js';

export interface MetricsInput {
  hubLabel: string;
  /** The repos of the run: those this process ran have metrics; skipped ones have none here. */
  repos: readonly HubRepoResult[];
  /** After `run --all`: the pass, and whether it succeeded (exit code 0). */
  hub?: { result: HubResult; success: boolean };
}

const HUB_STATUSES: readonly HubRepoStatus[] = [
  'done',
  'stopped',
  'failed',
  'refused',
  'claimed',
  'collected',
  'not-started',
];

export async function writeMetricsFile(path: string, input: MetricsInput): Promise<void> {
  await writeFileAtomically(path, await metricsText(input));
}

/** Whether a run did all it was asked without a problem. */
function succeeded(result: RunResult): boolean {
  return (
    result.outcome === 'done' &&
    result.errors.length === 0 &&
    !result.phases.some((phase) => phase.status === 'refused')
  );
}

const seconds = (iso: string) => Date.parse(iso) / 1000;
const elapsed = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
const phaseRows = (phase: PhaseResult) => phase.refs + phase.rows;

export async function metricsText(input: MetricsInput): Promise<string> {
  const registry = new Registry();
  registry.setDefaultLabels({ hub: input.hubLabel });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name: `musehub_gc_${name}`, help, labelNames, registers: [registry] });

  const repo = {
    time: gauge('repo_last_run_timestamp_seconds', 'When the last GC run of the repo ended, in Unix seconds.', [
      'repo',
    ]),
    success: gauge(
      'repo_last_run_success',
      '1 when the last GC run of the repo did every phase asked, without an error.',
      ['repo'],
    ),
    outcome: gauge('repo_last_run_outcome', 'The outcome of the last GC run of the repo, as its label (always 1).', [
      'repo',
      'outcome',
    ]),
    duration: gauge('repo_last_run_duration_seconds', 'How long the last GC run of the repo took.', ['repo']),
    rows: gauge('repo_last_run_deleted_rows', 'Rows the last GC run of the repo deleted, per phase.', [
      'repo',
      'phase',
    ]),
    bytes: gauge('repo_last_run_freed_bytes', 'Blob bytes the last GC run of the repo freed.', ['repo']),
    refused: gauge(
      'repo_last_run_refused_phases',
      'Phases the last GC run of the repo refused (a manifest that does not decode).',
      ['repo'],
    ),
    errors: gauge('repo_last_run_errors', 'Errors of the last GC run of the repo.', ['repo']),
  };
  for (const ran of input.repos) {
    const { result } = ran;
    if (!result) continue;
    const labels = { repo: ran.repo };
    repo.time.set(labels, seconds(ran.finished_at!));
    repo.success.set(labels, succeeded(result) ? 1 : 0);
    repo.outcome.set({ ...labels, outcome: result.outcome }, 1);
    repo.duration.set(labels, elapsed(ran.started_at!, ran.finished_at!));
    for (const phase of result.phases) repo.rows.set({ ...labels, phase: phase.phase }, phaseRows(phase));
    repo.bytes.set(labels, result.storage_bytes_freed);
    repo.refused.set(labels, result.phases.filter((phase) => phase.status === 'refused').length);
    repo.errors.set(labels, result.errors.length);
  }

  if (input.hub) {
    const { result, success } = input.hub;
    gauge('hub_last_run_timestamp_seconds', 'When the last hub pass (run --all) ended, in Unix seconds.').set(
      seconds(result.finished_at),
    );
    gauge('hub_last_run_success', '1 when the last hub pass ended with exit code 0.').set(success ? 1 : 0);
    gauge('hub_last_run_duration_seconds', 'How long the last hub pass took.').set(
      elapsed(result.started_at, result.finished_at),
    );
    gauge('hub_last_run_workers', 'Repos the last hub pass collected at once.').set(result.workers);
    const statuses = gauge('hub_last_run_repos', 'Repos of the last hub pass, by how each fared.', ['status']);
    for (const status of HUB_STATUSES) statuses.set({ status }, result.totals.statuses[status] ?? 0);
    const rows = gauge('hub_last_run_deleted_rows', 'Rows the last hub pass deleted, per phase.', ['phase']);
    for (const [index, phase] of PHASES.entries()) {
      rows.set(
        { phase: phase.name },
        result.repos.reduce((sum, ran) => sum + (ran.result ? phaseRows(ran.result.phases[index]!) : 0), 0),
      );
    }
    gauge('hub_last_run_freed_bytes', 'Blob bytes the last hub pass freed.').set(result.totals.storage_bytes_freed);
    gauge('hub_last_run_errors', 'Errors of the last hub pass, over every repo.').set(result.totals.errors);
  }
  return registry.metrics();
}

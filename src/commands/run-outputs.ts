/**
 * The files a run or a plan writes besides its output: --metrics-file (a run only) and
 * --report. Their paths are checked before any work starts; they are written at the end.
 */
import { UsageError } from '../errors.js';
import type { HubResult } from '../gc/hub/types.js';
import { runReport, type ReportContext, type ReportedRun } from '../present/report.js';
import { operatorName } from '../operator.js';
import type { ParsedArgs } from './args.js';
import { outputPath, writeFileAtomically } from './output-file.js';
import { note } from './output.js';

export interface RunOutputs {
  metrics?: string;
  report?: string;
}

/** The path --metrics-file names: a .prom file in a directory that exists. */
function metricsPath(path: string): string {
  if (!path.endsWith('.prom')) {
    throw new UsageError(
      `--metrics-file ${path}: node_exporter's textfile collector reads only *.prom files; ` +
        'name it so, e.g. /var/lib/node_exporter/textfile/musehub-gc.prom',
    );
  }
  return outputPath('metrics-file', path);
}

export function runOutputs(args: ParsedArgs, dryRun: boolean): RunOutputs {
  const metrics = args.values['metrics-file'];
  if (metrics !== undefined && dryRun) {
    throw new UsageError('--metrics-file records what a run deleted and a dry run deletes nothing: drop one of them');
  }
  return {
    metrics: metrics === undefined ? undefined : metricsPath(metrics),
    report: args.values.report === undefined ? undefined : outputPath('report', args.values.report),
  };
}

/** The head of a report: who, the hub, the command line (its database password hidden), the grace and the times. */
export async function reportContext(
  hub: ReportContext['hub'],
  graceSeconds: number,
  startedAt: string,
): Promise<ReportContext> {
  const { redact } = await import('../db/connect.js');
  return {
    who: operatorName(),
    hub,
    graceSeconds,
    startedAt,
    finishedAt: new Date().toISOString(),
    command: ['musehub-gc', ...process.argv.slice(2)].map(redact).join(' '),
  };
}

export async function writeReport(path: string, text: string): Promise<void> {
  await writeFileAtomically(path, text);
  note(`wrote the report to ${path}`);
}

/** Writes what `outputs` names about a run (a hub pass: `hub` too). */
export async function writeRunOutputs(
  outputs: RunOutputs,
  context: ReportContext,
  run: ReportedRun,
  hub?: { result: HubResult; success: boolean },
): Promise<void> {
  if (outputs.metrics) {
    // prom-client loads only when a metrics file is wanted.
    const { writeMetricsFile } = await import('./metrics-file.js');
    await writeMetricsFile(outputs.metrics, { hubLabel: context.hub.label, repos: run.repos, hub });
    note(`wrote the metrics to ${outputs.metrics}`);
  }
  if (outputs.report) {
    await writeReport(outputs.report, runReport(context, run));
  }
}

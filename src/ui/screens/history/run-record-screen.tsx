/** A past run of the repo, whole: per phase what it deleted, what stayed and why, what differed; m writes its Markdown report. */
import type React from 'react';
import { useMemo } from 'react';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RunRecord } from '../../../gc/service.js';
import type { RepoIdentity } from '../../../gc/types.js';
import { messageOf } from '../../../errors.js';
import { recordReport } from '../../../present/report.js';
import { useConsole, type ScreenProps } from '../../console-context.js';
import { wrapIndented } from '../../fit.js';
import { LinePager } from '../../line-pager.js';
import { runRecordLines } from './run-record-lines.js';

export function RunRecordScreen({
  viewId,
  active,
  width,
  height,
  repo,
  run,
}: ScreenProps & { repo: RepoIdentity; run: RunRecord }): React.JSX.Element | null {
  const app = useConsole();
  // Each line wrapped whole, its continuation under its text.
  const lines = useMemo(
    () =>
      runRecordLines(run, app.now()).flatMap((line) => {
        const indent = /^ */.exec(line.text)![0];
        return wrapIndented(line.text.slice(indent.length), width, indent).map((text) => ({ ...line, text }));
      }),
    [run, width, app.now],
  );
  const writeReport = async () => {
    const path = resolve(`gc-run-${repo.owner}-${repo.slug}-${run.startedAt.slice(0, 16).replace(/[-:]/g, '')}Z.md`);
    try {
      await writeFile(path, recordReport(run, repo, app.service.hub));
      app.status(`Wrote the run's report to ${path}`, 'done');
    } catch (error) {
      app.status(`The report was not written: ${messageOf(error)}`, 'error');
    }
  };
  if (!active) return null;
  return (
    <LinePager
      viewId={viewId}
      screen="run-record"
      lines={lines}
      width={width}
      height={height}
      onAction={(action) => {
        if (action !== 'write-report') return false;
        void writeReport();
        return true;
      }}
    />
  );
}

/** A commit's details as lines (pure): message, author, time, snapshot and files. */
import type { CommitDetail } from '../../../gc/service.js';
import { fit } from '../../fit.js';
import { formatAgo, formatBytes } from '../../../present/units.js';
import type { PagerLine } from '../../line-pager.js';

export function commitLines(detail: CommitDetail, now: number, width: number): PagerLine[] {
  const lines: PagerLine[] = [
    { text: `commit    ${detail.commitId}` },
    { text: `parents   ${detail.parentIds.length > 0 ? detail.parentIds.join(', ') : '(none)'}` },
    { text: `author    ${detail.author}` },
    { text: `time      ${detail.timestamp} (${formatAgo(detail.timestamp, now)})` },
    { text: `snapshot  ${detail.snapshotId ?? '(none)'}` },
    { text: '' },
    ...detail.message.split('\n').map((line) => ({ text: `    ${line}` })),
    { text: '' },
  ];
  if (detail.manifestError) lines.push({ text: `✗ manifest: ${detail.manifestError}`, tone: 'error' });
  lines.push({ text: `files (${detail.files.length.toLocaleString('en-US')})` });
  const pathWidth = Math.max(10, width - 2 - 20 - 12);
  for (const file of detail.files) {
    const size = file.bytes === null ? 'no row' : formatBytes(file.bytes);
    lines.push({
      text: `  ${fit(file.path, pathWidth)} ${fit(file.objectId.replace(/^[a-z0-9]+:/, '').slice(0, 18), 19)} ${fit(size, 11, 'right')}`,
      ...(file.bytes === null ? { tone: 'warning' as const } : {}),
    });
  }
  return lines;
}

/**
 * What `npm run bench` measures of the console: time to first frame on a hub, and the
 * time to lay out and draw one screen of a long graph. Returns milliseconds.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { render, renderToString, Text } from 'ink';
import type { GcService, GraphCommit } from '../src/gc/service.js';
import { ConsoleApp } from '../src/ui/app.js';
import { buildGraphModel, graphLine } from '../src/ui/screens/graph/graph-model.js';

/** A terminal for the bench: it records frames and never reads keys. */
class BenchTerminal extends EventEmitter {
  readonly columns = 120;
  readonly rows = 40;
  readonly isTTY = true;
  frames = '';
  write = (frame: string) => {
    this.frames += frame;
    this.emit('frame');
    return true;
  };
}

/** Milliseconds from render to the first frame that lists `expect` (a repo name, say). */
export async function timeToFirstFrame(service: GcService, expect: string, timeoutMs = 60_000): Promise<number> {
  const stdout = new BenchTerminal();
  const started = performance.now();
  const instance = render(
    <ConsoleApp service={service} readOnly graceSeconds={3600} color={false} size={{ columns: 120, rows: 40 }} />,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: Object.assign(new EventEmitter(), {
        isTTY: true,
        setRawMode: () => undefined,
        setEncoding: () => undefined,
        ref: () => undefined,
        unref: () => undefined,
        read: () => null,
        resume: () => undefined,
        pause: () => undefined,
      }) as unknown as NodeJS.ReadStream,
      patchConsole: false,
      exitOnCtrlC: false,
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame listed ${expect} within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        if (stdout.frames.includes(expect)) {
          clearTimeout(timer);
          resolve();
        }
      };
      stdout.on('frame', check);
      check();
    });
    return performance.now() - started;
  } finally {
    instance.unmount();
  }
}

/** Milliseconds to lay out `commits` (once) and to draw one 40-row screen from the middle of them. */
export function graphScreenTimes(
  commits: readonly GraphCommit[],
  rows = 40,
  columns = 120,
): { layoutMs: number; screenMs: number } {
  const started = performance.now();
  const model = buildGraphModel(commits);
  const laidOut = performance.now();
  const middle = Math.floor(commits.length / 2);
  const lines: string[] = [];
  for (let index = middle; index < Math.min(commits.length, middle + rows); index++) {
    const line = graphLine(model, index, columns, Date.now());
    lines.push(`${line.before}${line.glyph}${line.after}${line.text} ${line.right}`);
  }
  renderToString(<Text>{lines.join('\n')}</Text>, { columns });
  return { layoutMs: laidOut - started, screenMs: performance.now() - laidOut };
}

/**
 * Lines that stay, and on a terminal one status line below them that updates in place:
 * how every headless command shows progress without filling a log.
 */

/** The least time between two redraws of the status line. */
const REDRAW_MS = 100;

export class StatusLine {
  private drawn = false;
  private lastDraw = 0;

  /** `out` gets the lines and the status; `warn` gets warnings and errors. */
  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly warn: NodeJS.WriteStream = out,
  ) {}

  /** A line that stays, replacing the status line if one is drawn. */
  line(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
  }

  /** A warning or error, on `warn`. */
  problem(text: string): void {
    this.clear();
    this.warn.write(`${text}\n`);
  }

  /** Clears the status line before anything else (a prompt) writes to the terminal. */
  clear(): void {
    if (!this.drawn) return;
    this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  /** The updating line: only on a terminal, and not more often than REDRAW_MS. */
  status(text: string): void {
    if (!this.out.isTTY) return;
    const now = performance.now();
    if (this.drawn && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.out.write(`\r\x1b[K${text.slice(0, (this.out.columns || 80) - 1)}`);
    this.drawn = true;
  }
}

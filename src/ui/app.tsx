/**
 * The operator console: a view stack over the GcService, with one key router, one
 * keymap, and a frame (title, breadcrumbs, status, hints) around the active screen.
 */
import type React from 'react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, render, useApp, useStdout } from 'ink';
import type { GcService, RepoCheck } from '../gc/service.js';
import { UsageError } from '../errors.js';
import { ConsoleContext, type ConsoleContextValue, type InFlightWork } from './console-context.js';
import { formatGrace } from '../present/units.js';
import { planDriftLines, planFileOrigin } from '../present/plan-file.js';
import { Breadcrumbs, FRAME_ROWS, HintBar, MIN_SIZE, StatusLine, statusLines, TitleBar, TooSmall } from './frame.js';
import { KeyRouter } from './key-router.js';
import { COMMAND_LINE_VIEW, CommandLine, type Command } from './command-line.js';
import { resolve } from 'node:path';
import { messageOf } from '../errors.js';
import { actionFor, hintBar, withheldBinding, type ScreenName } from './keymap.js';
import { useSyncReducer } from './sync-reducer.js';
import { colorFromEnv, ThemeProvider, type Tone } from './theme.js';
import { breadcrumbs, topOf, type StackEntry, type View } from './view-stack.js';
import { consoleReducer, INITIAL_CONSOLE } from './console-reducer.js';

/** How old a plan file `:plan` applies may be, as `run --plan`'s default `--max-plan-age`. */
const PLAN_MAX_AGE_SECONDS = 24 * 3600;
import { ReposScreen } from './screens/repos/repos-screen.js';
import { RepoScreen } from './screens/repo/repo-screen.js';
import { CommitScreen } from './screens/commit/commit-screen.js';
import { RunRecordScreen } from './screens/history/run-record-screen.js';
import { RunScreen } from './screens/run/run-screen.js';
import { HelpScreen } from './screens/help/help-screen.js';
import { HubCheckScreen } from './screens/hub-check/hub-check-screen.js';
import { StorageScreen } from './screens/storage/storage-screen.js';
import { HubPassScreen } from './screens/hub-pass/hub-pass-screen.js';

export interface ConsoleAppProps {
  service: GcService;
  readOnly: boolean;
  graceSeconds: number;
  /** Colour on or off; defaults to NO_COLOR's absence. */
  color?: boolean;
  /** A fixed terminal size (tests); otherwise the terminal's, following resizes. */
  size?: { columns: number; rows: number };
  /** The clock ages are shown by; defaults to Date.now. */
  now?: () => number;
}

/** The screen whose keys a view answers to before it says otherwise. */
function screenOf(view: View): ScreenName {
  return view.kind === 'repo' ? view.tab : view.kind;
}

/** The key router's id of the view an entry shows. */
function viewIdOf(entry: StackEntry): string {
  return entry.view.kind === 'repo' ? `${entry.id}:${entry.view.tab}` : String(entry.id);
}

function sizeOf(stdout: NodeJS.WriteStream): { columns: number; rows: number } {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}

function useTerminalSize(fixed: ConsoleAppProps['size']): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => fixed ?? sizeOf(stdout));
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}

/** The whole console; `renderConsole` renders it, and tests render it with a fixture service. */
export function ConsoleApp({ service, readOnly, graceSeconds, color, size, now }: ConsoleAppProps): React.JSX.Element {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize(size);
  const [state, dispatch, current] = useSyncReducer(consoleReducer, INITIAL_CONSOLE);
  const { stack, status, keyScreens, dataVersion, checks, command } = state;
  const inFlight = useRef<InFlightWork | null>(null);

  const setKeys = useCallback(
    (viewId: string, screen: ScreenName) => dispatch({ type: 'keys', viewId, screen }),
    [dispatch],
  );
  const checked = useCallback((result: RepoCheck) => dispatch({ type: 'checked', result }), [dispatch]);
  const stopOnCtrlC = useCallback(
    (entry: InFlightWork) => {
      inFlight.current = entry;
      return () => {
        if (inFlight.current === entry) inFlight.current = null;
        if (!entry.asked) return;
        // The next work of the view is asked afresh; this one says how it ended, and that Ctrl+C now quits.
        entry.asked = false;
        const { what, ended } = entry.work();
        const outcome = ended();
        if (!outcome) return;
        const how = outcome === 'stopped' ? `The ${what} stopped.` : `The ${what} ended: ${outcome}.`;
        dispatch({ type: 'status', message: `${how} Ctrl+C quits.`, tone: 'warning' });
      };
    },
    [dispatch],
  );
  const askStop = useCallback(
    (entry: InFlightWork, by: 'key' | 'ctrl+c') => {
      const work = entry.work();
      if (!entry.asked) {
        entry.asked = true;
        work.stop();
      }
      const quit = `Ctrl+C ${by === 'ctrl+c' ? 'again ' : ''}quits now, abandoning ${work.abandoning}`;
      dispatch({ type: 'status', message: `The ${work.what} stops after ${work.after}. ${quit}.`, tone: 'warning' });
    },
    [dispatch],
  );

  const context = useMemo<ConsoleContextValue>(
    () => ({
      service,
      readOnly,
      graceSeconds,
      now: now ?? Date.now,
      push: (view) => dispatch({ type: 'push', view }),
      pop: () => dispatch({ type: 'pop' }),
      replaceTop: (view) => dispatch({ type: 'replace-top', view }),
      status: (message, tone) => dispatch({ type: 'status', message, tone }),
      setKeys,
      dataVersion,
      dataChanged: () => dispatch({ type: 'data-changed' }),
      checks,
      checked,
      stopOnCtrlC,
      askStop,
    }),
    [service, readOnly, graceSeconds, now, dispatch, setKeys, dataVersion, checks, checked, stopOnCtrlC, askStop],
  );

  const tooSmall = columns < MIN_SIZE.columns || rows < MIN_SIZE.rows;
  const tooSmallNow = useRef(tooSmall);
  tooSmallNow.current = tooSmall;
  // While the terminal is too small no screen is drawn, and keys go to the global bindings.
  const activeView = useCallback(
    () => (tooSmallNow.current ? null : current().command ? COMMAND_LINE_VIEW : viewIdOf(topOf(current().stack))),
    [current],
  );
  const runCommand = useCallback(
    (parsed: Command) => {
      dispatch({ type: 'close-command' });
      const say = (message: string, tone?: Tone) => dispatch({ type: 'status', message, tone });
      if (parsed.kind === 'unknown') return say(parsed.message, 'warning');
      if (parsed.kind === 'plan') return void openPlanFile(parsed.path);
      say('');
      const { entries } = current().stack;
      if (parsed.screen === 'repos') return dispatch({ type: 'pop-to-root' });
      if (parsed.screen === 'check') return dispatch({ type: 'push', view: { kind: 'hub-check' } });
      if (parsed.screen === 'storage') return dispatch({ type: 'push', view: { kind: 'storage' } });
      // :history shows the runs of the repo open, nearest the top.
      const open = [...entries].reverse().find((entry) => 'repo' in entry.view);
      if (!open || !('repo' in open.view))
        return say(
          'No repo is open: :history shows the runs of the repo open (Enter on the repos list opens one).',
          'warning',
        );
      const view: View = { kind: 'repo', repo: open.view.repo, tab: 'history' };
      dispatch(topOf(current().stack).view.kind === 'repo' ? { type: 'replace-top', view } : { type: 'push', view });

      async function openPlanFile(path: string): Promise<void> {
        if (readOnly)
          return say('read-only: :plan applies a plan, and this console was started with --read-only.', 'warning');
        try {
          // Deriving what differs takes as long as a plan of the repo: say what the console is doing meanwhile.
          say(`reading ${resolve(path)} and comparing it with the hub now (nothing is deleted)…`);
          const plan = await service.loadPlan(resolve(path), { maxAgeSeconds: PLAN_MAX_AGE_SECONDS });
          // What differs from the hub now, derived dry before the run's first question.
          const drift = await service.comparePlan(plan, { graceSeconds });
          say(
            `${resolve(path)}: ${planFileOrigin(plan, (now ?? Date.now)())}. Against the hub now: ` +
              `${planDriftLines(drift).join('; ')}. The run checks it again under the lock; each phase asks first.`,
            'done',
          );
          dispatch({ type: 'push', view: { kind: 'run', repo: plan.repo, plan, source: 'file' } });
        } catch (error) {
          say(messageOf(error), 'error');
        }
      }
    },
    [current, dispatch, readOnly, service, now, graceSeconds],
  );
  const onGlobal = useCallback(
    (key: string) => {
      const top = topOf(current().stack);
      const action = actionFor('help', key, readOnly);
      const withheld = (pressed: string) =>
        withheldBinding(keyScreens.get(viewIdOf(top)) ?? screenOf(top.view), pressed);
      const atTop = current().stack.entries.length === 1;
      const working = inFlight.current;
      if (action === 'quit' && working && !working.asked && (key === 'ctrl+c' || tooSmallNow.current)) {
        // Quitting mid-way would abandon what the work is deleting: the first Ctrl+C lets it reach a safe point.
        askStop(working, 'ctrl+c');
      } else if (action === 'quit' && (atTop || key === 'ctrl+c' || tooSmallNow.current)) exit();
      else if (action === 'back' && !atTop) {
        dispatch({ type: 'status', message: '' });
        dispatch({ type: 'pop' });
      } else if (action === 'command') {
        dispatch({ type: 'open-command' });
      } else if (readOnly && withheld(key)) {
        const binding = withheld(key)!;
        dispatch({
          type: 'status',
          message: `read-only: ${binding.keys[0]} (${binding.hint ?? binding.help}) deletes, and this console was started with --read-only.`,
          tone: 'warning',
        });
      } else if (action === 'help' && top.view.kind !== 'help') {
        dispatch({ type: 'push', view: { kind: 'help', about: keyScreens.get(viewIdOf(top)) ?? screenOf(top.view) } });
      }
    },
    [current, readOnly, exit, dispatch, keyScreens, askStop],
  );

  const top = topOf(stack);
  const keyScreen = keyScreens.get(viewIdOf(top)) ?? screenOf(top.view);
  // The status line takes the rows its message needs, whole; the screen's body gives them up.
  const shownStatus = command ? [''] : statusLines(status.message, columns);
  const body = { width: columns, height: Math.max(1, rows - FRAME_ROWS - shownStatus.length) };

  return (
    <ThemeProvider color={color ?? colorFromEnv()}>
      <ConsoleContext.Provider value={context}>
        <KeyRouter activeView={activeView} onGlobal={onGlobal}>
          <Box flexDirection="column" width={columns}>
            {tooSmall ? (
              <TooSmall columns={columns} rows={rows} />
            ) : (
              <>
                <TitleBar label={service.label} readOnly={readOnly} grace={formatGrace(graceSeconds)} width={columns} />
                <Breadcrumbs text={breadcrumbs(stack)} />
              </>
            )}
            <Box flexDirection="column" height={tooSmall ? 0 : body.height} overflow="hidden">
              {/* The screen at its own height, never squeezed: squeezed, Ink draws a wrapped line over the next. What does not fit is cut at the bottom. */}
              <Box flexDirection="column" flexShrink={0}>
                {stack.entries.map((entry) => (
                  <EntryView key={entry.id} entry={entry} active={!tooSmall && entry === top} {...body} />
                ))}
              </Box>
            </Box>
            {!tooSmall && (
              <>
                {command ? (
                  <CommandLine
                    field={command}
                    readOnly={readOnly}
                    onEdit={(field) => dispatch({ type: 'edit-command', field })}
                    onRun={runCommand}
                    onCancel={() => dispatch({ type: 'close-command' })}
                  />
                ) : (
                  <StatusLine lines={shownStatus} tone={status.tone} width={columns} />
                )}
                <HintBar
                  hints={hintBar(command ? 'command-line' : keyScreen, readOnly, { atTop: stack.entries.length === 1 })}
                  width={columns}
                />
              </>
            )}
          </Box>
        </KeyRouter>
      </ConsoleContext.Provider>
    </ThemeProvider>
  );
}

function EntryView({
  entry,
  active,
  width,
  height,
}: {
  entry: StackEntry;
  active: boolean;
  width: number;
  height: number;
}): React.JSX.Element {
  const { view } = entry;
  const props = { viewId: viewIdOf(entry), active, width, height };
  switch (view.kind) {
    case 'repos':
      return <ReposScreen {...props} />;
    case 'repo':
      return <RepoScreen {...props} entryId={entry.id} repo={view.repo} tab={view.tab} />;
    case 'commit':
      return <CommitScreen {...props} repo={view.repo} commitId={view.commitId} />;
    case 'run-record':
      return <RunRecordScreen {...props} repo={view.repo} run={view.run} />;
    case 'run':
      return <RunScreen {...props} repo={view.repo} plan={view.plan} source={view.source} />;
    case 'hub-check':
      return <HubCheckScreen {...props} />;
    case 'storage':
      return <StorageScreen {...props} />;
    case 'hub-pass':
      return <HubPassScreen {...props} scope={view.scope} />;
    case 'help':
      return <HelpScreen {...props} about={view.about} />;
  }
}

/** Opens the console on the terminal; resolves when the operator quits. The CLI lists the headless commands when there is no TTY. */
export async function renderConsole(
  service: GcService,
  options: { readOnly: boolean; graceSeconds: number },
): Promise<void> {
  // Ink without a TTY fails on raw mode, far from the cause: say the cause.
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('the console needs a terminal (TTY); run `musehub-gc --help` for the headless commands');
  }
  const instance = render(
    <ConsoleApp service={service} readOnly={options.readOnly} graceSeconds={options.graceSeconds} />,
    {
      exitOnCtrlC: false,
    },
  );
  await instance.waitUntilExit();
}

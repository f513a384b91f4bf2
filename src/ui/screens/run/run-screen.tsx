/**
 * A GC run, phase by phase: before each phase the console shows what it deletes and
 * asks (No is the default); during it, live progress; at the end, a summary.
 */
import type React from 'react';
import { Box, Text } from 'ink';
import { ProgressBar, Spinner } from '@inkjs/ui';
import { repoName, type Plan, type RepoIdentity, type RunResult } from '../../../gc/types.js';
import { useConsole, useHintScope, useStopOnCtrlC, type ScreenProps } from '../../console-context.js';
import { fit } from '../../fit.js';
import { describeKept, phaseTitle, runSummary } from '../../../present/run.js';
import { formatBytes, shortId } from '../../../present/units.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { NoteLines, noteRows } from '../../notes.js';
import { rowsOf, Wrapped } from '../../wrapped.js';
import { OutcomeBadge, Toned } from '../../theme.js';
import { TextField } from '../../text-field/text-field.js';
import { INITIAL_RUN, isRunning, runKeyScreen, runReducer, type RunState } from './run-reducer.js';
import { differences, lastCheckLine, phaseLine, promptQuestion } from './run-view.js';
import { useRun } from './use-run.js';
import { useRunKeys } from './use-run-keys.js';

/** Items of the phase the prompt shows before asking. */
const PROMPT_ITEMS = 5;
/** Columns of a running phase's progress bar. */
const PROGRESS_WIDTH = 24;
/** Columns of a phase's line before its details: the glyph and the title. */
const PHASE_COLUMNS = 3 + 16;

export function RunScreen({
  viewId,
  active,
  width,
  height,
  repo,
  plan,
  source = 'preview',
}: ScreenProps & {
  repo: RepoIdentity;
  /** Where the plan came from: the preview on screen, or a plan file (`:plan FILE`). */
  source?: 'preview' | 'file';
  /** The plan the preview showed: the run acts on it. Without one, the run derives its plan under the lock. */
  plan?: Plan;
}): React.JSX.Element | null {
  const app = useConsole();
  const [state, dispatch, current] = useSyncReducer(runReducer, INITIAL_RUN);
  const { word, answer, stop: stopRun } = useRun({ repo, plan, source }, dispatch, current);

  // Ctrl+C and x stop the run alike: after the phase that runs, or at once at a prompt, which they answer.
  const planning = state.stage === 'planning';
  const stop = useStopOnCtrlC(!app.readOnly && isRunning(state), {
    what: 'run',
    after: planning ? 'its plan, before any phase' : 'this phase',
    abandoning: planning ? 'the plan' : 'the phase',
    stop: stopRun,
    ended: () => current().result?.outcome,
  });
  useRunKeys({ viewId, slug: word, current, dispatch, answer, stop });
  useHintScope(viewId, active, runKeyScreen(state));

  if (!active) return null;
  if (app.readOnly) return <Text>Read-only: this console does not run GC.</Text>;
  const checkLine = state.lastCheck && lastCheckLine(state.lastCheck, app.now());
  const lines = state.phases.map((row) => phaseLine(row, state.prompt));
  const stopping = state.stopAfterPhase && isRunning(state) && !state.prompt;
  // What the prompt box has beside the phase's items: the lines above it, and the notes below it, each whole.
  const above =
    (checkLine ? rowsOf(` ${checkLine.text}`, width) : 0) +
    (state.stage === 'planning'
      ? 1
      : lines.reduce(
          (rows, line) => rows + (line.percent === undefined ? rowsOf(line.detail, width - PHASE_COLUMNS) : 1),
          0,
        ));
  const below = (stopping ? 1 : 0) + noteRows(state.log, width);
  // Where the phases above and the prompt do not all fit, the prompt has the screen: it is what the keys answer.
  if (state.prompt && state.plan && above + below + promptRows(state, word, width) > height)
    return <PromptBox state={state} word={word} width={width} height={height} />;
  return (
    <Box flexDirection="column">
      {checkLine && <Wrapped text={` ${checkLine.text}`} width={width} tone={checkLine.tone} />}
      {state.stage === 'planning' ? (
        <Spinner
          label={`${plan ? 'checking the plan against the hub' : `computing the plan for ${repoName(repo)}`} under the repo's lock…`}
        />
      ) : (
        lines.map((line, index) => (
          <Box key={state.phases[index]!.phase} width={width}>
            {/* The glyph and the title never give up their columns: the details wrap beside them. */}
            <Box flexShrink={0}>
              <Toned tone={line.tone}>{` ${line.glyph} `}</Toned>
              <Text>{`${line.title} `}</Text>
            </Box>
            {line.percent !== undefined ? (
              <>
                <Box width={PROGRESS_WIDTH} flexShrink={0} marginRight={2}>
                  <ProgressBar value={line.percent} />
                </Box>
                <Text wrap="truncate-end">{line.detail}</Text>
              </>
            ) : (
              <Box flexDirection="column">
                <Wrapped text={line.detail} width={width - PHASE_COLUMNS} />
              </Box>
            )}
          </Box>
        ))
      )}
      {state.prompt && state.plan && (
        <PromptBox state={state} word={word} width={width} height={height - above - below} />
      )}
      {stopping && (
        <Toned tone="warning">
          {planning
            ? 'Stopping once the plan is ready: no phase runs.'
            : 'Stopping after this phase: no phase after it runs.'}
        </Toned>
      )}
      <NoteLines notes={state.log} width={width} />
      {state.result && <Summary state={state} width={width} />}
    </Box>
  );
}

/** What a phase's prompt says at `inner` columns: what was kept, the question, and the rows they and the field take. */
function promptText(state: RunState, word: string, inner: number) {
  const prompt = state.prompt!;
  const row = state.phases.find((phase) => phase.phase === prompt.phase)!;
  const kept = row.plan && row.plan.kept.length > 0 ? `  ○ kept: ${describeKept(row.plan.kept)}` : '';
  const question = promptQuestion(state.plan!, row.plan!, prompt, word);
  const questionRows =
    rowsOf(question, inner) +
    (prompt.slug ? 1 : 0) +
    (prompt.answer.mismatch === '' ? 0 : rowsOf(prompt.answer.mismatch, inner));
  return { prompt, row, kept, question, questionRows, keptRows: kept === '' ? 0 : rowsOf(kept, inner) };
}

/** Rows the prompt takes in its box with no item listed: the title, what was kept, the question and its field. */
function promptRows(state: RunState, word: string, width: number): number {
  const { questionRows, keptRows } = promptText(state, word, Math.max(10, width - 2));
  return 2 + 1 + keptRows + questionRows;
}

/**
 * The phase's question, whole, and its field; above them what was kept and as many of the phase's
 * items as the rows left hold (the preview lists them all). Where even the box does not fit, the
 * question and its field are drawn without it, under as much of the rest as fits.
 */
function PromptBox({
  state,
  word,
  width,
  height,
}: {
  state: RunState;
  word: string;
  width: number;
  height: number;
}): React.JSX.Element {
  const boxed = promptRows(state, word, width) <= height;
  const inner = boxed ? Math.max(10, width - 2) : width;
  const { prompt, row, kept, question, questionRows, keptRows } = promptText(state, word, inner);
  const fixed = (boxed ? 2 : 0) + 1 + keptRows + questionRows;
  const planned = row.plan?.items ?? [];
  const room = Math.max(0, height - fixed);
  // A line saying more are listed takes the place of an item.
  const shown =
    planned.length <= Math.min(room, PROMPT_ITEMS) ? planned.length : Math.max(0, Math.min(room, PROMPT_ITEMS) - 1);
  const more = (row.plan?.rows || row.plan?.refs || planned.length) - shown;
  // Without the box, the title and what was kept give up their rows before the question does.
  const title = boxed || height - questionRows >= 1;
  const keptShown = kept !== '' && (boxed || height - questionRows - 1 >= keptRows);
  return (
    <Box flexDirection="column" {...(boxed ? { borderStyle: 'round' } : {})} width={width} flexShrink={0}>
      {title && <Text bold>{fit(`Phase ${phaseTitle(prompt.phase)}`, inner)}</Text>}
      {planned.slice(0, shown).map((item) => (
        <Toned key={item.id} tone="orphaned">
          {fit(
            `  ✗ ${shortId(item.id)}  ${item.label ?? ''}${item.bytes === undefined ? '' : `  ${formatBytes(item.bytes)}`}`,
            inner,
          )}
        </Toned>
      ))}
      {more > 0 && room > shown && (
        <Text>{fit(`  … and ${more.toLocaleString('en-US')} more (the preview lists them)`, inner)}</Text>
      )}
      {keptShown && <Wrapped text={kept} width={inner} tone="kept" />}
      <Wrapped text={question} width={inner} bold />
      {prompt.slug && <TextField field={prompt.answer.field} />}
      {prompt.answer.mismatch !== '' && <Wrapped text={prompt.answer.mismatch} width={inner} tone="error" />}
    </Box>
  );
}

/** A run that matched its preview, said only as far as it ran: a stopped run did not do all it said. */
function asPreviewed(result: RunResult): string {
  const whole = result.phases.every((phase) => phase.status === 'done' || phase.status === 'refused');
  return result.outcome === 'done' && whole
    ? 'Everything went as the preview said.'
    : 'What ran went as the preview said.';
}

function Summary({ state, width }: { state: RunState; width: number }): React.JSX.Element {
  const result = state.result!;
  const notes = differences(state.plan, result);
  const [totals, ...lines] = runSummary(result);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold wrap="truncate-end">
        <OutcomeBadge outcome={result.outcome} />
        {` ${totals}`}
      </Text>
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a summary's lines and a run's errors are fixed text that may repeat.
        <Wrapped key={index} text={line} width={width} />
      ))}
      {result.errors.map((error, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a run's errors are fixed text that may repeat.
        <Wrapped key={index} text={`✗ ${error}`} width={width} tone="error" />
      ))}
      <Text>{notes.length > 0 ? 'Differed from the preview:' : asPreviewed(result)}</Text>
      {notes.map((note, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a run's notes are fixed text that may repeat.
        <Wrapped key={index} text={`  ${note}`} width={width} tone="warning" />
      ))}
    </Box>
  );
}

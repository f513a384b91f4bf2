/** What GC would do, per phase: what goes (counts, bytes, then the lists) and what stays, and why; R runs it, w saves it. */
import type React from 'react';
import { useEffect } from 'react';
import { resolve } from 'node:path';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import { Table } from '@alcalzone/ink-table';
import { messageOf } from '../../../errors.js';
import { phaseNamed, plannedOf } from '../../../gc/phases/catalog.js';
import type { Plan, RepoIdentity } from '../../../gc/types.js';
import { useConsole, useHintScope, type ScreenProps } from '../../console-context.js';
import { describeError } from '../../errors.js';
import { fit } from '../../fit.js';
import { phaseTitle } from '../../../present/run.js';
import { formatAgo, formatBytes, formatGrace, shortId } from '../../../present/units.js';
import { describeCommits } from '../../../present/words.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { ColumnRules, Heading, tonedCells } from '../../table.js';
import { TextField } from '../../text-field/text-field.js';
import { pageRows } from '../../list-state.js';
import { useLoad } from '../../use-load.js';
import { headlessCommand } from '../../headless-command.js';
import { VirtualList } from '../../virtual-list.js';
import { rowsOf, Wrapped } from '../../wrapped.js';
import { useWhy, WhyPanel, whyRows } from '../../why-panel.js';
import { containing } from '../../search/search-reducer.js';
import { Highlighted } from '../../search/search-line.js';
import { useListSearch } from '../../search/use-list-search.js';
import { INITIAL_PREVIEW, previewKeyScreen, previewReducer } from './preview-reducer.js';
import { PREVIEW_COLUMNS, PREVIEW_TONES, previewRows } from './preview-rows.js';
import { usePreviewKeys } from './use-preview-keys.js';

/** How many items each phase of the preview lists. */
const PREVIEW_ITEMS = 500;
const PhaseCell = tonedCells(PREVIEW_TONES);

/** The plan in a line: its grace and age, the commits it finds orphaned and reachable, and that it deletes nothing. */
function planSummary(plan: Plan, now: number): string {
  const toDelete = plannedOf(plan.phases, 'commits');
  return (
    `grace ${formatGrace(plan.graceSeconds)} · plan ${formatAgo(plan.computedAt, now)} · commits: ` +
    `${describeCommits({ reachable: plan.reachableCommits, orphaned: plan.orphanedCommits, toDelete })} · a dry run: nothing is deleted`
  );
}

/** Where the plan went, and the command that applies it from where the console was started. */
function savedLine(path: string, bytes: number, label: string, readOnly: boolean): string {
  const command = headlessCommand(`run --plan ${path}`);
  // The embedded hub takes one process at a time: the command is refused while the console is open.
  const when = label.startsWith('embedded')
    ? ` once this console is closed (it holds the embedded hub's lock)${readOnly ? '' : ', or R here'}`
    : '';
  return `Saved the plan to ${path} (${formatBytes(bytes)}). Apply it with: ${command}${when}.`;
}

function findingText(finding: Plan['findings'][number]): string {
  return `${finding.severity === 'error' ? '✗' : '!'} ${finding.message}`;
}

export function PreviewScreen({
  viewId,
  active,
  width,
  height,
  repo,
}: ScreenProps & { repo: RepoIdentity }): React.JSX.Element | null {
  const app = useConsole();
  const [loaded, replan] = useLoad(
    () => app.service.plan(repo, { graceSeconds: app.graceSeconds, itemLimit: PREVIEW_ITEMS }),
    `${repo.repoId}@${app.dataVersion}`,
  );
  const [state, dispatch, current] = useSyncReducer(previewReducer, INITIAL_PREVIEW);
  const why = useWhy(repo);
  // app.status changes with any console state (a check, a run): following it would say the failure again
  // over a newer message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: says a failed load once, when it lands
  useEffect(() => {
    if (loaded.state === 'failed') app.status(describeError('the plan', loaded.error), 'error');
  }, [loaded]);

  const plan = loaded.state === 'ready' ? loaded.value : null;
  const phase = plan?.phases[state.phases.cursor];
  const findings = plan?.findings ?? [];
  const summary = plan ? planSummary(plan, app.now()) : '';
  const listTitle = phase
    ? `${phaseTitle(phase.phase)}: ${phase.items.length < (phase.rows > 0 ? phase.rows : phase.refs) ? `the first ${phase.items.length} of what goes` : 'what goes'}${state.focus === 'items' ? '' : '  (enter to scroll the list)'}`
    : '';
  // The summary, the field naming the file, the findings, the table's head and phases, the list's title: each whole.
  const itemsHeight = Math.max(
    1,
    height -
      rowsOf(summary, width) -
      (state.savingTo === null ? 0 : 1) -
      findings.reduce((rows, finding) => rows + rowsOf(findingText(finding), width), 0) -
      1 -
      (plan?.phases.length ?? 0) -
      rowsOf(listTitle, width) -
      whyRows(why.shown, width),
  );
  const save = async (shown: Plan, named: string) => {
    if (named.trim() === '') return;
    // Absolute: the command the operator copies works from any directory.
    const path = resolve(named.trim());
    try {
      const bytes = await app.service.savePlan(shown, path);
      app.status(savedLine(path, bytes, app.service.label, app.readOnly), 'done');
    } catch (error) {
      app.status(messageOf(error), 'error');
    }
  };
  // Asks about the item chosen in the list; a phase whose list names neither commits nor objects says so.
  const askWhy = () => {
    const { phases, items, focus } = current();
    const chosen = plan?.phases[phases.cursor];
    const item = chosen?.items[items.cursor];
    if (!chosen || !item) return;
    if (!phaseNamed(chosen.phase).why) {
      why.warn(`y asks why about a commit or an object: phase ${phaseTitle(chosen.phase)} lists neither`);
    } else if (focus === 'phases') {
      why.warn('enter moves to the list of what goes; y then asks why about the item chosen there');
    } else why.ask(item.id);
  };

  const itemCount = phase?.items.length ?? 0;
  const page = pageRows(itemCount, itemsHeight);
  // The chosen phase's list is what a search looks through: ids, paths and labels.
  const search = useListSearch({
    count: itemCount,
    matches: containing((index) => {
      const item = phase!.items[index]!;
      return `${item.id} ${item.label ?? ''}`;
    }),
    cursor: () => current().items.cursor,
    jump: (cursor) => dispatch({ type: 'place-item', cursor, itemCount, page }),
  });
  useHintScope(viewId, active, search.typing ? 'search' : previewKeyScreen(state));
  usePreviewKeys({
    viewId,
    repo,
    plan,
    current,
    search,
    phaseCount: plan?.phases.length ?? 0,
    itemCount,
    page,
    dispatch,
    onReplan: replan,
    onSave: (shown, path) => void save(shown, path),
    why,
    onWhy: askWhy,
  });

  if (!active) return null;
  if (loaded.state === 'loading') return <Spinner label="computing the plan (nothing is deleted)…" />;
  if (!plan) return <Text>The plan did not compute. Press r to retry.</Text>;
  return (
    <Box flexDirection="column">
      <Wrapped text={summary} width={width} />
      {state.savingTo !== null && <TextField field={state.savingTo} label={<Text bold>Save the plan to: </Text>} />}
      {findings.map((finding, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a plan's findings are a fixed list of text that may repeat.
        <Wrapped key={index} text={findingText(finding)} width={width} tone={finding.severity} />
      ))}
      <Table
        data={previewRows(plan, state.phases.cursor, width)}
        columns={[...PREVIEW_COLUMNS]}
        skeleton={ColumnRules}
        header={Heading}
        cell={PhaseCell}
      />
      {phase && (
        <>
          <Wrapped text={listTitle} width={width} bold />
          <VirtualList
            count={phase.items.length}
            list={state.items}
            height={itemsHeight}
            empty="Nothing."
            search={search.state}
            renderRow={(index, selected) => {
              const item = phase.items[index]!;
              const bytes = item.bytes === undefined ? '' : formatBytes(item.bytes);
              const chosen = selected && state.focus === 'items';
              return (
                <Text inverse={chosen}>
                  {chosen ? '▸ ' : '  '}
                  <Highlighted
                    text={`${fit(shortId(item.id), 8)} ${fit(item.label ?? '', Math.max(0, width - 24))}`}
                    needle={search.needle}
                  />
                  {` ${fit(bytes, 11, 'right')}`}
                </Text>
              );
            }}
          />
        </>
      )}
      <WhyPanel shown={why.shown} width={width} />
    </Box>
  );
}

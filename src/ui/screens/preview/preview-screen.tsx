/** What GC would do, per phase: what goes (counts, bytes, then the lists) and what stays, and why; R runs it, w saves it. */
import React, { useEffect } from 'react';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import { Table } from '@alcalzone/ink-table';
import { messageOf } from '../../../errors.js';
import type { Plan, RepoIdentity } from '../../../gc/types.js';
import { useConsole, useHintScope, type ScreenProps } from '../../console-context.js';
import { describeError } from '../../errors.js';
import { fit } from '../../fit.js';
import { formatAgo, formatBytes, formatGrace, phaseTitle, shortId } from '../../../present.js';
import { useSyncReducer } from '../../sync-reducer.js';
import { ColumnRules, Heading, tonedCells } from '../../table.js';
import { Toned } from '../../theme.js';
import { TextField } from '../../text-field/text-field.js';
import { pageRows } from '../../list-state.js';
import { useLoad } from '../../use-load.js';
import { VirtualList } from '../../virtual-list.js';
import { INITIAL_PREVIEW, previewKeyScreen, previewReducer } from './preview-reducer.js';
import { PREVIEW_COLUMNS, PREVIEW_TONES, previewRows } from './preview-rows.js';
import { usePreviewKeys } from './use-preview-keys.js';

/** How many items each phase of the preview lists. */
const PREVIEW_ITEMS = 500;
const PhaseCell = tonedCells(PREVIEW_TONES);

export function PreviewScreen({ viewId, active, width, height, repo }: ScreenProps & { repo: RepoIdentity }): React.JSX.Element | null {
  const app = useConsole();
  const [loaded, replan] = useLoad(() => app.service.plan(repo, { graceSeconds: app.graceSeconds, itemLimit: PREVIEW_ITEMS }),
    `${repo.repoId}@${app.dataVersion}`);
  const [state, dispatch, current] = useSyncReducer(previewReducer, INITIAL_PREVIEW);
  useEffect(() => {
    if (loaded.state === 'failed') app.status(describeError('the plan', loaded.error), 'error');
  }, [loaded]);

  const plan = loaded.state === 'ready' ? loaded.value : null;
  const phase = plan?.phases[state.phases.cursor];
  // Summary, findings, table head, five phases, the list's title.
  const findings = plan?.findings ?? [];
  const itemsHeight = Math.max(1, height - 3 - findings.length - (plan?.phases.length ?? 0) - 1);
  const save = async (shown: Plan, path: string) => {
    if (path.trim() === '') return;
    try {
      const bytes = await app.service.savePlan(shown, path.trim());
      app.status(`Saved the plan to ${path.trim()} (${formatBytes(bytes)}): musehub-gc run --plan ${path.trim()} applies it.`, 'done');
    } catch (error) {
      app.status(messageOf(error), 'error');
    }
  };

  useHintScope(viewId, active, previewKeyScreen(state));
  usePreviewKeys({
    viewId,
    repo,
    plan,
    current,
    phaseCount: plan?.phases.length ?? 0,
    itemCount: phase?.items.length ?? 0,
    page: pageRows(phase?.items.length ?? 0, itemsHeight),
    dispatch,
    onReplan: replan,
    onSave: (shown, path) => void save(shown, path),
  });

  if (!active) return null;
  if (loaded.state === 'loading') return <Spinner label="computing the plan (nothing is deleted)…" />;
  if (!plan) return <Text>The plan did not compute. Press r to retry.</Text>;
  return (
    <Box flexDirection="column">
      <Text>
        {`grace ${formatGrace(plan.graceSeconds)} · plan ${formatAgo(plan.computedAt, app.now())} · ${plan.orphanedCommits.toLocaleString('en-US')} orphaned, ${plan.reachableCommits.toLocaleString('en-US')} reachable commits · a dry run: nothing is deleted`}
      </Text>
      {state.savingTo !== null && <TextField field={state.savingTo} label={<Text bold>Save the plan to: </Text>} />}
      {findings.map((finding, index) => (
        <Toned key={index} tone={finding.severity}>{`${finding.severity === 'error' ? '✗' : '!'} ${finding.message}`}</Toned>
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
          <Text bold>
            {`${phaseTitle(phase.phase)}: ${phase.items.length < (phase.rows > 0 ? phase.rows : phase.refs) ? `the first ${phase.items.length} of what goes` : 'what goes'}${state.focus === 'items' ? '' : '  (enter to scroll the list)'}`}
          </Text>
          <VirtualList
            count={phase.items.length}
            list={state.items}
            height={itemsHeight}
            empty="Nothing."
            renderRow={(index, selected) => {
              const item = phase.items[index]!;
              const bytes = item.bytes === undefined ? '' : formatBytes(item.bytes);
              const chosen = selected && state.focus === 'items';
              return (
                <Text inverse={chosen}>
                  {`${chosen ? '▸ ' : '  '}${fit(shortId(item.id), 8)} ${fit(item.label ?? '', Math.max(0, width - 24))} ${fit(bytes, 11, 'right')}`}
                </Text>
              );
            }}
          />
        </>
      )}
    </Box>
  );
}

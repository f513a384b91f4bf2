/**
 * The console's text fields take each key of a read in order: a burst of backspaces (key
 * repeat, tmux send-keys, a paste) deletes a character each, as in the slug prompt, the
 * sweep's word and the plan's file name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Key } from 'ink';
import { keysOf } from '../../src/ui/keymap.js';
import { editField, EMPTY_FIELD, fieldWith, type TextFieldState } from '../../src/ui/text-field/text-field-reducer.js';
import { fixtureService } from './fixture-service.js';
import { cleanup, KEYS, openConsole } from './harness.js';

afterEach(() => cleanup());

/** A read of the terminal holding no escape sequence, as Ink hands it on: one event of text, no key flag set. */
const typed = (field: TextFieldState, read: string) => keysOf(read, {} as Key).reduce(editField, field);

describe('text field', () => {
  it('applies a burst in order: each DEL or BS deletes one character, printable ones go in, other control characters do nothing', () => {
    expect(typed(EMPTY_FIELD, 'ab\x7f\x7fc')).toEqual({ text: 'c', cursor: 1 });
    expect(typed(EMPTY_FIELD, 'sweqq\b\x7fep')).toEqual({ text: 'sweep', cursor: 5 });
    expect(typed(EMPTY_FIELD, 'a\x01\tb\x7f\x7f\x7f')).toEqual(EMPTY_FIELD);
    expect(typed(fieldWith('blue'), 'ü-green')).toEqual({ text: 'blueü-green', cursor: 11 });
  });

  it('moves its cursor: text goes in and is deleted where it is', () => {
    let field = fieldWith('swep');
    field = ['left', 'left', 'e'].reduce(editField, field);
    expect(field).toEqual({ text: 'sweep', cursor: 3 });
    field = ['home', 'backspace', 'end', 'right', 'backspace'].reduce(editField, field);
    expect(field).toEqual({ text: 'swee', cursor: 4 });
  });
});

describe('text fields in the console', () => {
  it("the sweep's word: a burst of backspaces in one write deletes as many characters", async () => {
    const service = fixtureService();
    const app = openConsole(service, { rows: 30, columns: 140 });
    await app.waitFor('4.1 MiB');
    app.press('b');
    await app.waitFor('Strays by the last dry run');
    app.press('D');
    await app.waitFor('Type sweep to delete them');
    app.press('swexx');
    await app.waitFor('› swexx');
    app.press('\x7f\x7fep');
    await app.waitFor('› sweep');
    app.press(KEYS.enter);
    await app.waitFor('DONE  sweep done: deleted 22 keys');
    expect(service.strays).toBe(0);
  });

  it("the run's slug prompt: backspaces and the slug in one write, then Enter", async () => {
    const service = fixtureService({ emptyPhases: ['commits', 'snapshots', 'refs'] });
    const app = openConsole(service, { rows: 40 });
    await app.waitFor('4.1 MiB');
    app.press(KEYS.enter);
    await app.waitFor('Bass line, take 7');
    app.press('R');
    await app.waitFor('Type lowend/blue-in-green to delete 58 objects');
    app.press('lowend/blue-in-red');
    await app.waitFor('› lowend/blue-in-red');
    app.press(`\x7f\x7f\x7fgreen${KEYS.enter}`);
    await app.waitFor('Type lowend/blue-in-green to delete 2 expired entries');
    expect(service.decisions.at(-1)).toEqual({ phase: 'objects', decision: 'go' });
  });

  it("the plan's file name: a burst of backspaces shortens the name offered", async () => {
    const service = fixtureService();
    const app = openConsole(service, { rows: 40, columns: 120 });
    await app.waitFor('4.1 MiB');
    app.press(KEYS.enter);
    await app.waitFor('Bass line, take 7');
    app.press('2');
    await app.waitFor('KEPT, AND WHY');
    app.press('w');
    await app.waitFor(/Save the plan to: lowend-blue-in-green-\d{8}T\d{4}Z\.gcplan/);
    app.press('\x7f'.repeat('gcplan'.length));
    await app.waitFor(/Save the plan to: lowend-blue-in-green-\d{8}T\d{4}Z\.$/m);
    app.press(`plan${KEYS.enter}`);
    await app.waitFor('Saved the plan to /');
    expect(service.saved.map((saved) => saved.path)).toEqual([
      expect.stringMatching(/\/lowend-blue-in-green-\d{8}T\d{4}Z\.plan$/),
    ]);
  });
});

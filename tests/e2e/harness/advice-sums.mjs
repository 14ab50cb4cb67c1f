// An advice's sums as the app shows them, checked against the council's own records: the
// totals sentence ("£A take away £B is £C.") and "What changed since the last payment", each
// derived here in whole pence (BigInt) from the lines the council holds for this advice and the
// one paid before it (harness/council-db.mjs), never matched by shape alone.
import assert from 'node:assert/strict';
import { councilAdvice, councilPreviousAdvice, pounds, sum } from './council-db.mjs';

const LONG_WAIT = { timeoutMs: 60_000 };

/**
 * "What changed since the last payment", derived here from the council's two advices by the
 * rules the app promises (crates/domain/src/changes.rs), to compare with what the app shows.
 * @param {import('../harness/council-db.mjs').CouncilAdvice} previous
 * @param {import('../harness/council-db.mjs').CouncilAdvice} current
 */
export function expectedChanges(previous, current) {
  /** @type {string[]} */
  const changes = [];
  if (previous.net !== current.net) {
    const more = current.net > previous.net;
    const difference = more ? current.net - previous.net : previous.net - current.net;
    changes.push(
      `You were paid ${pounds(current.net)} this time and ${pounds(previous.net)} last time. ` +
        `That is ${pounds(difference)} ${more ? 'more' : 'less'}.`,
    );
  }
  for (const [kind, what] of [
    ['Budget', 'weekly care budget'],
    ['Contribution', 'weekly contribution'],
  ]) {
    const rate = (/** @type {typeof current} */ advice) => advice.lines.find((l) => l.kind === kind)?.weeklyRate ?? null;
    const [old, now] = [rate(previous), rate(current)];
    if (old !== null && now !== null && old !== now) {
      changes.push(`Your ${what} ${now > old ? 'went up' : 'went down'} from ${pounds(old)} to ${pounds(now)}.`);
    }
  }
  const abs = (/** @type {bigint} */ n) => (n < 0n ? -n : n);
  for (const line of current.lines) {
    const direction = line.amount < 0n ? 'takes off' : 'adds';
    if (line.kind === 'One-off') changes.push(`There is a one-off payment of ${pounds(abs(line.amount))}.`);
    if (line.kind === 'Adj') changes.push(`A rate adjustment (Adj) ${direction} ${pounds(abs(line.amount))} for earlier dates.`);
    if (line.kind === 'MA') {
      changes.push(`A manual adjustment (MA) ${direction} ${pounds(abs(line.amount))}. The council says: ${line.note ?? ''}`);
    }
  }
  const recovered = (/** @type {typeof current} */ advice) => sum(advice.lines.filter((l) => l.kind === 'Recovery').map((l) => l.amount));
  const [before, now] = [recovered(previous), recovered(current)];
  if (before === 0n && now !== 0n) {
    changes.push(`The council has started taking back money it paid you too much before. It took ${pounds(abs(now))} from this payment.`);
  } else if (before !== 0n && now !== 0n) {
    changes.push(`The council is still taking back money it paid you too much before. It took ${pounds(abs(now))} from this payment.`);
  } else if (before !== 0n && now === 0n) {
    changes.push('The council has stopped taking back the money it paid you too much. Nothing was taken from this payment.');
  }
  return changes;
}

/**
 * On a person's Documents screen: find the advice by its reference, open it, and check its
 * totals sentence and "What changed" against the council's records. Leaves the advice open.
 * @param {import('./app.mjs').App} app
 * @param {string} databasePath  the council's database
 * @param {string} reference
 */
export async function checkAdviceAgainstCouncil(app, databasePath, reference) {
  await app.type('#search', reference);
  await app.click(await app.waitForText('button', /^Show documents$/));
  await app.waitForText('[data-testid=count]', /^Showing 1 of \d+ documents$/, LONG_WAIT);
  await app.click(await app.waitFor('tbody a'));
  await app.waitForText('h2', /^How the total adds up$/, LONG_WAIT);

  const advice = await councilAdvice(databasePath, reference);
  const previous = await councilPreviousAdvice(databasePath, advice);
  assert.ok(previous, `the council holds an advice before ${reference}`);
  const added = sum(advice.lines.filter((l) => l.amount > 0n).map((l) => l.amount));
  const takenOff = -sum(advice.lines.filter((l) => l.amount < 0n).map((l) => l.amount));
  assert.equal(added - takenOff, advice.net, `the council's lines of ${reference} add up to what it paid`);
  assert.equal(
    await app.text('[data-testid=totals-sentence]'),
    `${pounds(added)} take away ${pounds(takenOff)} is ${pounds(advice.net)}.`,
    `the totals sentence of ${reference} says the sums the council holds`,
  );
  /** @type {string[]} */
  const shown = await app.executeScript(
    "return [...document.querySelectorAll('[data-testid=changes] li')].map((li) => li.textContent.replace(/\\s+/g, ' ').trim());",
  );
  const changes = expectedChanges(previous, advice);
  assert.ok(changes.length > 0, `${reference} changes something`);
  assert.deepEqual(shown, changes, `"What changed" on ${reference} says what changed since the advice before it`);
  return { advice, changes };
}

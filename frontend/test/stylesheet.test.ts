import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

// A browser drops what it cannot parse without a word: a rule left open swallows every
// rule after it, and the page looks broken with no error anywhere. The stylesheet uses
// no CSS nesting, so a block may open only at the top or inside an at-rule.

interface Problem {
  line: number;
  what: string;
}

/** Where the stylesheet's blocks do not nest as plain CSS does; [] when they do. */
export function blockProblems(css: string): Problem[] {
  const problems: Problem[] = [];
  const open: { kind: 'rule' | 'at'; line: number }[] = [];
  let line = 1;
  let prelude = '';
  for (let i = 0; i < css.length; i++) {
    const c = css[i];
    if (c === '\n') line++;
    if (c === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      const stop = end === -1 ? css.length : end + 2;
      line += (css.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop - 1;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = css.indexOf(c, i + 1);
      prelude += css.slice(i, end + 1);
      i = end;
      continue;
    }
    if (c === '{') {
      const inside = open[open.length - 1];
      if (inside?.kind === 'rule') problems.push({ line, what: `a block opens inside the rule of line ${inside.line}` });
      open.push({ kind: prelude.trim().startsWith('@') ? 'at' : 'rule', line });
      prelude = '';
    } else if (c === '}') {
      if (open.pop() === undefined) problems.push({ line, what: 'a } closes nothing' });
      prelude = '';
    } else if (c === ';') {
      prelude = '';
    } else {
      prelude += c;
    }
  }
  for (const block of open) problems.push({ line: block.line, what: 'a block never closes' });
  return problems;
}

describe('the stylesheet', () => {
  it('has every block closed where it should be', () => {
    const css = readFileSync(new URL('../../styles/app.css', import.meta.url), 'utf8');
    assert.deepEqual(blockProblems(css), []);
  });

  it('is read by a check that finds a rule left open', () => {
    const broken = '.a {\n  color: red;\n/* next */\n.b {\n  color: blue;\n}\n';
    assert.deepEqual(blockProblems(broken), [
      { line: 4, what: 'a block opens inside the rule of line 1' },
      { line: 1, what: 'a block never closes' },
    ]);
    assert.deepEqual(blockProblems('@media (width < 40rem) {\n  .a { color: red; }\n}\n'), []);
  });
});

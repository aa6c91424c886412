// Writes the Action's inputs and outputs, from action.yml, as tables into
// README.md between the action-docs markers. `--check` only compares (CI and
// a test run it): the README never drifts from action.yml.
import { readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

const root = new URL('../', import.meta.url);
const action = parse(readFileSync(new URL('action.yml', root), 'utf8'));
const cell = (s) =>
  String(s ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
const lines = [
  '<!-- action-docs:start (generated from action.yml by scripts/action-docs.js) -->',
  '',
  '| input | default | description |',
  '| --- | --- | --- |',
  ...Object.entries(action.inputs).map(
    ([name, i]) =>
      `| \`${name}\` | ${i.required ? '(required)' : i.default === '' ? '' : `\`${cell(i.default)}\``} | ${cell(i.description)} |`,
  ),
  '',
  '| output | description |',
  '| --- | --- |',
  ...Object.entries(action.outputs).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`),
  '',
  '<!-- action-docs:end -->',
];
const readmeUrl = new URL('README.md', root);
const readme = readFileSync(readmeUrl, 'utf8');
const m = /<!-- action-docs:start[^]*?<!-- action-docs:end -->/.exec(readme);
if (!m) {
  console.error('README.md has no action-docs markers');
  process.exit(1);
}
// Formatted as prettier formats the README, so lint and this agree.
const next = await format(readme.replace(m[0], lines.join('\n')), {
  ...(await resolveConfig(readmeUrl)),
  parser: 'markdown',
});
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error(
      'README.md: the Action tables differ from action.yml; run node scripts/action-docs.js',
    );
    process.exit(1);
  }
} else writeFileSync(readmeUrl, next);

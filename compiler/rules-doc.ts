import * as fs from 'fs';
import { RULES } from '../policy';

const START = '<!-- rules:start (npm run docs) -->';
const END = '<!-- rules:end -->';

/** The rule catalogue as a Markdown table, for the README. */
export function rulesTable(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| id | severity | family | waivable | what | fix |',
    '| --- | --- | --- | --- | --- | --- |',
    ...RULES.map(r => `| \`${r.id}\` | ${r.severity} | ${r.family} | ${r.waivable === false ? 'no' : 'yes'} | ${cell(r.title)} | ${cell(r.fix)} |`),
  ].join('\n');
}

/** `text` with its rules block replaced by the current table. */
export function withRulesTable(text: string): string {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${START} and ${END}`);
  return `${text.slice(0, start + START.length)}\n${rulesTable()}\n${text.slice(end)}`;
}

if (require.main === module) {
  fs.writeFileSync('README.md', withRulesTable(fs.readFileSync('README.md', 'utf8')));
}

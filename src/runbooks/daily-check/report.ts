/** The daily-check report as Markdown: a pure function of the result, used by the workflow and by `atc show`. */
import type { CheckItem, CheckSection } from './contract';
import type { DailyCheckReport, HaltedBot } from './contract';

const ICON: Record<string, string> = { OK: '✅', WARN: '⚠️', FAIL: '❌', UNKNOWN: '❓' };

/** Escapes a table cell: pipes, newlines and backticks would break the table or the code span. */
function cell(text: unknown): string {
  return String(text ?? '—')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .replace(/`/g, "'");
}

function value(item: CheckItem): string {
  return item.value === null ? '—' : String(item.value);
}

function sectionBlock(s: CheckSection): string[] {
  const lines = [
    `## ${s.section} — ${ICON[s.status]} ${s.status}`,
    '',
    '| item | status | value | threshold |',
    '|---|---|---|---|',
  ];
  for (const i of s.items)
    lines.push(`| ${cell(i.name)} | ${ICON[i.status]} ${i.status} | ${cell(value(i))} | ${cell(i.threshold)} |`);
  lines.push('', '<details><summary>evidence</summary>', '');
  for (const i of s.items) {
    for (const e of i.evidence)
      lines.push(`- **${cell(i.name)}** (${e.source}): \`${cell(e.call)}\` → \`${cell(e.response)}\``);
  }
  lines.push('', '</details>', '');
  return lines;
}

function haltLine(h: HaltedBot): string {
  if (h.error !== undefined) return `- ❌ **${h.service}**: halt FAILED — ${cell(h.error)} (\`${h.workflowId}\`)`;
  const r = h.result!;
  return `- ${r.confirmed || r.path === 'container-stopped' ? '🛑' : '❓'} **${h.service}**: ${r.path}${r.confirmed ? ' (confirmed)' : ''} — ${cell(r.detail)} (\`${h.workflowId}\`)`;
}

export function renderDailyCheckReport(r: DailyCheckReport): string {
  const lines = [
    `# Daily check: ${r.environment} — ${ICON[r.overall]} ${r.overall}`,
    '',
    `Checked at ${r.checkedAt} by \`${r.workflowId}\`. Overall status is the worst item; UNKNOWN is never OK.`,
    ...(r.skipped?.length
      ? [
          '',
          `**Partial check**: ${r.skipped.join(', ')} not checked in this run; the overall status covers the other sections only.`,
        ]
      : []),
    '',
    '| section | status | items | not OK | duration |',
    '|---|---|---|---|---|',
    ...r.sections.map(
      (s) =>
        `| ${s.section} | ${ICON[s.status]} ${s.status} | ${s.items.length} | ${s.items.filter((i) => i.status !== 'OK').length} | ${s.durationMs} ms |`,
    ),
    '',
    '## Fail-safe (feed before bot)',
    '',
    r.failSafe.triggered ? `**Bots halted**: ${cell(r.failSafe.reason)}` : cell(r.failSafe.reason),
    ...(r.haltedBots.length ? ['', ...r.haltedBots.map(haltLine)] : []),
    '',
    ...r.sections.flatMap(sectionBlock),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A few lines for the notification: overall, each section, the items that are not OK, the halts. */
export function summarizeDailyCheck(r: DailyCheckReport, reportPath: string): string {
  const bad = r.sections.flatMap((s) =>
    s.items.filter((i) => i.status !== 'OK').map((i) => `${i.status} ${i.name} = ${value(i)} (${i.threshold})`),
  );
  const sections = r.sections.map((s) => `${s.section} ${s.status}`).join(', ');
  const halts = r.haltedBots.map(
    (h) => `${h.service}: ${h.error !== undefined ? `halt FAILED (${h.error})` : h.result!.path}`,
  );
  const partial = r.skipped?.length ? `; partial, not checked: ${r.skipped.join(', ')}` : '';
  return [
    `${r.environment}: ${r.overall} (${sections}${partial})`,
    ...bad.slice(0, 20),
    ...(bad.length > 20 ? [`… ${bad.length - 20} more`] : []),
    ...(r.failSafe.triggered ? [`fail-safe: ${r.failSafe.reason}`, ...halts] : []),
    `report: ${reportPath}`,
  ].join('\n');
}

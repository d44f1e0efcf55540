import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Finding, Severity, Status } from '../model/finding.js';
import { SEVERITIES } from '../model/finding.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { locationLabel, proposedFix, resourceLabel, suppressionLabel } from './finding-text.js';
import { controlGroups, groupedByControl } from './controls.js';
import { joined, whole } from './chunks.js';
import type { ChunkedReporter, Reporter } from './report.js';
import { TOOL_NAMES } from '../peers/tool-names.js';

/**
 * Every string from the input goes through here: the report renders names like `<img onerror=…>` as text, and a
 * control character (a NUL in a container name), which HTML does not allow, as U+FFFD.
 */
export function htmlEscape(text: string): string {
  const escaped = text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
  return escaped.replace(/(?![\t\n\r])\p{Cc}/gu, '\uFFFD');
}
const h = htmlEscape;

/**
 * Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), and every status
 * also carries its word and a shape, so nothing is told by colour alone.
 */
const STATUS_STYLE: Record<Status, { color: string; mark: string }> = {
  FAIL: { color: '#D55E00', mark: '✖' },
  UNKNOWN: { color: '#E69F00', mark: '?' },
  ERROR: { color: '#CC79A7', mark: '!' },
  MUTED: { color: '#56B4E9', mark: '◌' },
  NOTE: { color: '#999999', mark: 'i' },
  PASS: { color: '#009E73', mark: '✔' },
};

const CSS =
  `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{padding:16px 24px;background:#1b2a3a;color:#fff}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.85}
main{padding:16px 24px}section{margin-bottom:20px}h2{font-size:16px;margin:0 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:220px}
.card table{border-collapse:collapse}.card td{padding:2px 8px 2px 0}.card td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 6px;border-radius:4px;color:#000;font-weight:600;white-space:nowrap;border:1px solid #0003}
.controls{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}.controls input,.controls select{font:inherit;padding:4px 6px}
table.findings{border-collapse:collapse;width:100%;background:#fff}` +
  `table.findings th,table.findings td{border:1px solid #ddd;padding:6px;vertical-align:top;text-align:left}
table.findings th{background:#eef1f4;cursor:pointer;user-select:none;position:sticky;top:0}` +
  `table.findings th[aria-sort=ascending]::after{content:" ▲"}table.findings th[aria-sort=descending]::after{content:" ▼"}
td.msg{max-width:420px}td.mono{min-width:180px}td code{white-space:nowrap;word-break:normal}` +
  `td code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
.sup{color:#2a4d69}.expired{color:#8a3b00;font-weight:600}footer{padding:12px 24px;color:#555}
`;

const SCRIPT =
  `
(function(){
  var table=document.getElementById('findings');var rows=Array.prototype.slice.call(table.tBodies[0].rows);
  var q=document.getElementById('q'),st=document.getElementById('status'),` +
  `sv=document.getElementById('severity'),ck=document.getElementById('check');
  var count=document.getElementById('shown');
  function apply(){var text=q.value.toLowerCase();var n=0;
    rows.forEach(function(r){var ok=(!st.value||r.dataset.status===st.value)&&(!sv.value||r.dataset.severity===sv.value)&&` +
  `(!ck.value||r.dataset.check===ck.value)&&(!text||r.textContent.toLowerCase().indexOf(text)!==-1);
      r.hidden=!ok;if(ok)n++;});count.textContent=String(n);}
  [q,st,sv,ck].forEach(function(e){e.addEventListener('input',apply);e.addEventListener('change',apply);});
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){th.addEventListener('click',function(){
    var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
    Array.prototype.forEach.call(table.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});
    th.setAttribute('aria-sort',dir===1?'ascending':'descending');
    rows.sort(function(a,b){var x=a.cells[i].dataset.sort||a.cells[i].textContent,y=b.cells[i].dataset.sort||b.cells[i].textContent;
      return dir*x.localeCompare(y,undefined,{numeric:true});});
    rows.forEach(function(r){table.tBodies[0].appendChild(r);});});});
  apply();
})();
`;

function badge(status: Status): string {
  const s = STATUS_STYLE[status];
  return `<span class="badge" style="background:${s.color}">${s.mark} ${status}</span>`;
}

/** Where a finding sits for the summary: account/region for live, the folder for files. */
function place(f: Finding): string {
  const r = f.resource;
  if (r.kind === 'aws') return `${r.accountId ?? '?'} / ${r.region ?? '?'}`;
  const file = f.location?.file ?? r.file;
  return file ? path.dirname(file) : '(standard input)';
}

function summaryCard(title: string, counts: Map<string, Partial<Record<Status, number>>>): string {
  const rows = [...counts.entries()]
    .map(([key, c]) => {
      const cells = (['FAIL', 'UNKNOWN', 'ERROR', 'MUTED'] as Status[]).map((s) => `<td class="n" title="${s}">${c[s] ?? 0}</td>`).join('');
      return `<tr><td>${h(key)}</td>${cells}</tr>`;
    })
    .join('');
  return (
    `<div class="card"><h2>${h(title)}</h2><table><thead><tr><th></th><th title="FAIL">✖</th><th title="UNKNOWN">?</th><th ` +
    `title="ERROR">!</th><th title="MUTED">◌</th></tr></thead><tbody>${rows}</tbody></table></div>`
  );
}

function tally(findings: Finding[], key: (f: Finding) => string, order?: string[]) {
  const counts = new Map<string, Partial<Record<Status, number>>>();
  for (const k of order ?? []) counts.set(k, {});
  for (const f of findings) {
    const c = counts.get(key(f)) ?? {};
    c[f.status] = (c[f.status] ?? 0) + 1;
    counts.set(key(f), c);
  }
  return counts;
}

/** What other tools conclude, folded under the message. */
function peersDetails(f: Finding): string {
  const peers = (f.peers ?? []).filter((p) => p.rule);
  if (peers.length === 0) return '';
  const items = peers
    .map(
      (p) =>
        `<li><b>${h(TOOL_NAMES[p.tool])}</b> ${h(p.rule ?? '')}${p.control ? ` (${h(p.control)})` : ''}: ` +
        `${h(p.verdict.replace('_', ' '))}, ${h(p.why)}</li>`,
    )
    .join('');
  return `<details class="peers"><summary>Other tools</summary><ul>${items}</ul></details>`;
}

function row(f: Finding, control?: { id: string; title: string }): string {
  const s = f.suppression;
  const exception = s ? `<span class="${s.expired ? 'expired' : 'sup'}">${h(suppressionLabel(f))}</span>` : '';
  const severityRank = SEVERITIES.indexOf(f.severity);
  return (
    `<tr data-status="${f.status}" data-severity="${f.severity}" data-check="${h(f.checkId)}">
${control ? `<td class="mono" title="${h(control.title)}">${h(control.id || '(no selected control)')}</td>\n` : ''}` +
    `<td data-sort="${Object.keys(STATUS_STYLE).indexOf(f.status)}">${badge(f.status)}</td>
<td data-sort="${severityRank}">${h(f.severity)}</td>
<td><code>${h(f.checkId)}</code></td>
<td class="mono">${h(resourceLabel(f))}</td>
<td>${h(f.container ?? '')}</td>
<td class="mono">${h(locationLabel(f))}</td>
<td class="msg">${h(f.message)}${peersDetails(f)}</td>
<td>${h(f.remediation)}${proposedFix(f) ? `<div class="mono">${h(proposedFix(f))}</div>` : ''}</td>
<td>${exception}</td>
</tr>`
  );
}

/** One self-contained page: no external resource; a Content-Security-Policy allows only its own script. */
export const htmlReportChunks: ChunkedReporter = function* ({ result, exitCode, generatedAt }) {
  const findings = result.findings;
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp =
    `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src 'none'; base-uri 'none'; ` +
    "form-action 'none'";
  const checks = [...new Set(findings.map((f) => f.checkId))].sort();
  // --framework: one row per finding and control, in the framework's order, with a Control column.
  const byControl = groupedByControl(findings) ? controlGroups(findings) : undefined;
  // The rows are made one at a time as they are written; only their number is needed up front.
  const rowCount = byControl ? byControl.reduce((n, g) => n + g.findings.length, 0) : findings.length;
  function* rows(): Generator<string> {
    if (!byControl) for (const f of findings) yield row(f);
    else for (const g of byControl) for (const f of g.findings) yield row(f, { id: g.control, title: g.title });
  }
  const option = (v: string) => `<option value="${h(v)}">${h(v)}</option>`;
  const n = result.summary.findings;
  const when = (generatedAt ?? new Date()).toISOString();
  yield `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TOOL_NAME} report</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${TOOL_NAME} report</h1>
<p>${result.summary.taskDefinitions} task definitions checked: ${n.FAIL} failed, ${n.UNKNOWN} unknown, ${n.ERROR} not evaluated, ` +
    `${n.MUTED} muted, ${result.errors.length} input errors (exit ${exitCode}). ${TOOL_NAME} ${TOOL_VERSION}, ${h(when)}.</p></header>
<main>
<section class="cards" id="summary">
${
  byControl
    ? summaryCard(
        'By control',
        tally(
          byControl.flatMap((g) => g.findings.map((f) => ({ ...f, checkId: g.control || '(no selected control)' }))),
          (f) => f.checkId,
        ),
      )
    : ''
}
${summaryCard(
  'By check',
  tally(findings, (f) => f.checkId),
)}
${summaryCard(
  'By severity',
  tally(findings, (f) => f.severity, SEVERITIES.filter((s) => findings.some((f) => f.severity === s)) as Severity[]),
)}
${summaryCard('By account / region or folder', tally(findings, place))}
</section>
${
  result.errors.length
    ? `<section id="errors"><h2>Input errors: not read, or not fully checked</h2><ul>${result.errors
        .map(
          (e) =>
            '<li class="mono">' +
            h([e.file && `${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}`, e.region, e.operation].filter(Boolean).join(' ')) +
            `: ${h(e.message)}</li>`,
        )
        .join('')}</ul></section>`
    : ''
}
<section>
<h2>Findings (<span id="shown">${rowCount}</span> of ${rowCount} shown${byControl ? ', by control' : ''})</h2>
<div class="controls">
<input id="q" type="search" placeholder="Filter: text in any column" aria-label="Filter findings">
<select id="status" aria-label="Status"><option value="">All statuses</option>${Object.keys(STATUS_STYLE).map(option).join('')}</select>
<select id="severity" aria-label="Severity"><option value="">All severities</option>${SEVERITIES.map(option).join('')}</select>
<select id="check" aria-label="Check"><option value="">All checks</option>${checks.map(option).join('')}</select>
</div>
<table class="findings" id="findings">
<thead><tr>${byControl ? '<th>Control</th>' : ''}<th>Status</th><th>Severity</th><th>Check</th><th>Resource</th>` +
    `<th>Container</th><th>Location</th><th>Message</th><th>Remediation and proposed fix</th><th>Exception</th></tr></thead>
<tbody>
`;
  yield* joined(rows(), '\n');
  yield `
</tbody>
</table>
</section>
</main>
<footer>Statuses: ✖ FAIL, ? UNKNOWN (a value could not be resolved), ! ERROR (not read: never compliant), ` +
    `◌ MUTED (exception or inline suppression), i NOTE, ✔ PASS.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
};

export const htmlReporter: Reporter = (input, context) => whole(htmlReportChunks(input, context));

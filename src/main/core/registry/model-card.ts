import type { Manifest } from './manifest.js';

/**
 * The model card: one self-contained HTML file (inline CSS, no scripts, no external links) so a manager
 * can open it from a share or an e-mail offline. Every value from the manifest is escaped: names,
 * reasons and config values are user text.
 */
export const escapeHtml = (value: unknown): string =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const cell = (value: unknown) => `<td>${escapeHtml(value ?? '—')}</td>`;
const table = (head: readonly string[], rows: readonly (readonly unknown[])[]) =>
  rows.length === 0
    ? '<p class="none">none</p>'
    : `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
        .join('')}</tbody></table>`;
const formatNumber = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(4));

const TASKS: Readonly<Record<Manifest['task'], string>> = {
  rul: 'Remaining useful life (regression)',
  anomaly: 'Anomaly detection',
  'failure-horizon': 'Failure within horizon (classification)',
};

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{background:#f3f5f7}.stage{display:inline-block;padding:.1rem .5rem;border-radius:.6rem;background:#e8eef9;font-weight:600}
.none{color:#667}code,pre{font:12px ui-monospace,monospace}pre{background:#f6f8fa;padding:.5rem;overflow:auto}`;

/**
 * Which data the figures above come from. Without a held-out evaluation set they come from the validation assets,
 * which also chose the epoch and the threshold: named so, with the training dataset they were split from.
 */
const evaluatedOn = (m: Manifest): string => {
  const d = m.evaluation.dataset;
  if (d !== null)
    return `<p>Figures on: held-out evaluation. Dataset: ${escapeHtml(d.description)} (<code>${escapeHtml(d.id)}</code>, content hash <code>${escapeHtml(d.contentHash)}</code>)</p>`;
  const t = m.lineage.dataset;
  return (
    '<p><strong>Figures on: validation (used for tuning).</strong> No held-out evaluation set: these assets also ' +
    'chose the training epoch and the alarm threshold, so the figures are optimistic. ' +
    `Dataset: the validation part of ${escapeHtml(t.description)} (<code>${escapeHtml(t.id)}</code>, content hash <code>${escapeHtml(t.contentHash)}</code>)</p>`
  );
};

/** The anomaly alarm rule the package carries, as the people who approve it read it. */
const alarmRuleParagraph = (a: NonNullable<Manifest['alarmRule']>): string => {
  const r = a.rule;
  const method =
    r.threshold === 'robust'
      ? `robust (median + ${formatNumber(r.robustZ)} robust sd of the log scores)`
      : r.threshold === 'tail-fit'
        ? `generalised Pareto tail fit at risk ${formatNumber(r.tailRisk)}`
        : 'empirical quantile';
  const level =
    a.thresholdSource === 'saved'
      ? `saved for the run by ${escapeHtml(a.by)} at ${escapeHtml(a.at)}: ${escapeHtml(a.reason)}`
      : `set by the run (trained by ${escapeHtml(a.by)} at ${escapeHtml(a.at)}): ${escapeHtml(a.reason)}`;
  return [
    `<p data-alarm-rule>Alarm rule: ${escapeHtml(a.output)} above <strong>${formatNumber(a.threshold)}</strong> in ${escapeHtml(r.persistence.k)} of the last ${escapeHtml(r.persistence.n)} windows`,
    r.smoothing === null ? ', no smoothing' : `, after EWMA smoothing (weight ${formatNumber(r.smoothing)})`,
    `; threshold method ${escapeHtml(method)}; level ${level}.`,
    ' New deployments start with this rule (level and k of n).</p>',
  ].join('');
};

export const renderModelCard = (manifest: Manifest, sums: ReadonlyMap<string, string>): string => {
  const m = manifest;
  const c = m.dataContract;
  const range = (lo: number | null, hi: number | null) =>
    lo === null && hi === null ? '—' : `${lo ?? '−∞'} … ${hi ?? '+∞'}`;
  const body = [
    `<h1>${escapeHtml(m.name)} <small>version ${escapeHtml(m.version)}</small></h1>`,
    `<p><span class="stage">${escapeHtml(m.stage)}</span> · ${escapeHtml(TASKS[m.task])} · ${escapeHtml(m.modelType)} · published ${escapeHtml(m.createdAt)} by ${escapeHtml(m.createdBy)}</p>`,
    '<h2>Evaluation</h2>',
    table(
      ['metric', 'value'],
      Object.entries(m.evaluation.metrics).map(([k, v]) => [k, formatNumber(v)]),
    ),
    evaluatedOn(m),
    '<h2>Outputs and thresholds</h2>',
    table(
      ['output', 'unit', 'description'],
      m.outputs.map((o) => [o.name, o.unit, o.description]),
    ),
    table(
      ['threshold', 'value'],
      Object.entries(m.thresholds).map(([k, v]) => [k, formatNumber(v)]),
    ),
    m.alarmThreshold === undefined
      ? ''
      : `<p data-alarm-threshold>Alarm threshold (saved for the run): ${escapeHtml(m.alarmThreshold.output)} above <strong>${formatNumber(m.alarmThreshold.value)}</strong>, by ${escapeHtml(m.alarmThreshold.by)} at ${escapeHtml(m.alarmThreshold.at)}: ${escapeHtml(m.alarmThreshold.reason)}. Deployments alarm at this level unless their rule says otherwise.</p>`,
    // Only when carried: the card of an older package must render byte for byte as before (the registry compares).
    ...(m.alarmRule === undefined ? [] : [alarmRuleParagraph(m.alarmRule)]),
    '<h2>Data contract</h2>',
    table(
      ['asset', 'signal', 'unit', 'sample period', 'valid range', 'missing data'],
      c.signals.map((s) => [s.asset, s.tag, s.unit, s.samplePeriod, range(s.validMin, s.validMax), s.missingPolicy]),
    ),
    `<p>Window: ${escapeHtml(c.window.length)} × ${escapeHtml(c.window.timeKind === 'cycle' ? 'cycles' : 'samples')}, stride ${escapeHtml(c.window.stride)}. Normalisation: ${escapeHtml(c.normalisation.method)}.</p>`,
    table(
      [c.inputs === undefined ? 'feature' : 'model input', 'center', 'scale'],
      (c.inputs ?? c.features).map((f, i) => [f, c.normalisation.center[i] ?? '—', c.normalisation.scale[i] ?? '—']),
    ),
    '<h2>Approvals and stages</h2>',
    table(
      ['decision', 'by', 'at', 'reason'],
      m.approvals.map((a) => [a.decision, a.by, a.at, a.reason]),
    ),
    table(
      ['stage', 'action', 'by', 'at', 'reason'],
      m.stageHistory.map((h) => [h.stage, h.action, h.by, h.at, h.reason]),
    ),
    '<h2>Lineage</h2>',
    table(
      ['field', 'value'],
      [
        ['run', m.lineage.runId],
        ['trained by', m.lineage.trainedBy],
        ['trained at', m.lineage.trainedAt],
        ['training dataset', `${m.lineage.dataset.description} (${m.lineage.dataset.id})`],
        ['dataset content hash', m.lineage.dataset.contentHash],
        ['seed', m.lineage.seed],
        ['backend', m.lineage.backend],
        ['app version', m.lineage.appVersion],
        ['training time', `${m.lineage.durationS.toFixed(1)} s`],
      ],
    ),
    `<pre>${escapeHtml(JSON.stringify(m.lineage.config, null, 2))}</pre>`,
    '<h2>Files</h2>',
    table(
      ['file', 'role', 'bytes', 'SHA-256'],
      m.files.map((f) => [f.name, f.role, f.bytes, sums.get(f.name) ?? '']),
    ),
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(m.name)} v${escapeHtml(m.version)}: model card</title>
<style>${STYLE}</style></head>
<body>
${body}
</body></html>
`;
};

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  PAPER_SIZES,
  REPORT_FORMATS,
  REPORT_KINDS,
  REPORT_TITLES,
  type PaperSize,
  type ReportFormat,
  type ReportKind,
  type ReportResult,
} from '../../shared/reports.js';
import { fail, type Readers } from './cli-args.js';
import type { CliApi } from './cli-api.js';
import { listOutput, type Command } from './command.js';

/**
 * Reports for managers on the command line (issue 11), thin clients of the report API: `report fleet|alerts|
 * model|value` export one report (a 'report' job: progress on stderr, Ctrl-C cancels), `asset criticality` and
 * `report assumptions` read and set what the reports rank and count with.
 */

const WORKSPACE = { workspace: { type: 'string', short: 'w' } } as const;

const open = async (args: Readers, api: () => Promise<CliApi>): Promise<CliApi> => {
  const client = await api();
  await client.openWorkspace(args.str('workspace'), { mustExist: true });
  return client;
};

/** A number on the data's axis (µs or cycles) or an ISO time / date (UTC unless it says otherwise). */
const timeOption = (args: Readers, name: string, usage: string): number | undefined => {
  const raw = args.str(name);
  if (raw === undefined) return undefined;
  if (/^-?\d+(\.\d+)?$/.test(raw.trim())) return Number(raw);
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) fail(`--${name}: "${raw}" is neither a number (µs or cycles) nor an ISO time`, usage);
  return ms * 1000;
};

export const reportText = (r: ReportResult): string =>
  [
    `wrote ${r.path}${r.pages === null ? '' : ` (${r.pages} page${r.pages === 1 ? '' : 's'})`}`,
    `  period ${r.period.label}`,
    `  SHA-256 ${r.sha256}`,
    ...r.warnings.map((w) => `  note: ${w}`),
  ].join('\n');

const usageOf = (kind: ReportKind) =>
  `report ${kind} --workspace <dir> [--deployment <id>] [--from <time> --to <time>] ` +
  '--format html|pdf --out <file> [--paper auto|a4|letter] [--locale en-US] [--plant <name>] [--json]';

const DETAILS: Readonly<Record<ReportKind, string>> = {
  fleet:
    'Assets by health band (act now / watch / healthy) from the latest model output and open alerts, risk ranking\n  (band weight x criticality), remaining life where a RUL model is deployed, open alerts, data health.',
  alerts:
    'The funnel raised -> acknowledged -> confirmed -> work order -> failure avoided, precision, false alarms per\n  asset-month, lead time, alerts per day, floods, chattering, stale alerts, the ten worst assets.',
  model:
    "Per deployed model version, in model-card sections (Mitchell et al.), field metrics with bootstrap intervals\n  over assets, data contract, drift, approvals and stage history; the engineer's card as appendix.",
  value:
    'Avoided downtime and cost from confirmed alerts with a lead time, the formula and every assumption printed\n  (set them with "report assumptions").',
};

const reportCommand = (kind: ReportKind): Command => {
  const usage = usageOf(kind);
  return {
    name: `report ${kind}`,
    usage,
    details: `  ${REPORT_TITLES[kind]}: ${DETAILS[kind]}
  Without --deployment: every champion deployment (the model report: the only one, else name it). Without
  --from/--to: all monitoring data. Times are numbers on the data's axis (µs or cycles) or ISO times (UTC).
  PDF needs a Chromium-family browser (Chromium, Chrome, Edge; PDM_CHROMIUM=<executable> to choose one).
  Prints {path, pages, sha256, period, warnings} with --json; the export is recorded in the workspace.`,
    options: {
      ...WORKSPACE,
      deployment: { type: 'string', short: 'd' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string', short: 'o' },
      paper: { type: 'string' },
      locale: { type: 'string' },
      plant: { type: 'string' },
    },
    run: async (args, api) => {
      const format = args.need('format', 'html|pdf');
      if (!(REPORT_FORMATS as readonly string[]).includes(format))
        fail(`report ${kind}: --format must be html or pdf, not ${format}`, usage);
      const out = resolve(args.need('out', '<file>'));
      const paper = args.str('paper') ?? 'auto';
      if (!(PAPER_SIZES as readonly string[]).includes(paper))
        fail(`report ${kind}: --paper must be auto, a4 or letter, not ${paper}`, usage);
      const from = timeOption(args, 'from', usage);
      const to = timeOption(args, 'to', usage);
      if (from !== undefined && to !== undefined && from > to) fail(`report ${kind}: --from is after --to`, usage);
      const deploymentId = args.str('deployment');
      const locale = args.str('locale');
      const plant = args.str('plant');
      const client = await open(args, api);
      const { jobId } = await client.call('startReport', {
        kind,
        format: format as ReportFormat,
        out,
        paper: paper as PaperSize,
        ...(deploymentId === undefined ? {} : { deploymentId }),
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(locale === undefined ? {} : { locale }),
        ...(plant === undefined ? {} : { plant }),
      });
      const job = await client.followJob(jobId, { json: args.json });
      if (job.report === null || job.report === undefined) throw new Error('the report finished without a result');
      const r = job.report;
      return {
        value: { path: r.path, pages: r.pages, sha256: r.sha256, period: r.period, warnings: r.warnings },
        text: reportText(r),
      };
    },
  };
};

const CRITICALITY_USAGE =
  'asset criticality --workspace <dir> [--asset <name> --level 1..5 [--class <asset class> | --no-class]] [--json]';

export const assetCriticality: Command = {
  name: 'asset criticality',
  usage: CRITICALITY_USAGE,
  details: `  Without --asset: every asset with its criticality (1 a spare takes over .. 5 stops the plant; unset assets
  count as 3) and asset class. With --asset and --level: set them (the fleet report ranks risk as health band x
  criticality; the value report prices downtime by asset class).`,
  options: {
    ...WORKSPACE,
    asset: { type: 'string' },
    level: { type: 'string' },
    class: { type: 'string' },
    'no-class': { type: 'boolean' },
  },
  run: async (args, api) => {
    const asset = args.str('asset');
    const level = args.int('level');
    if (asset === undefined && level !== undefined) fail('asset criticality: --level needs --asset', CRITICALITY_USAGE);
    if (asset !== undefined && (level === undefined || level < 1 || level > 5))
      fail('asset criticality: --level must be a whole number from 1 to 5', CRITICALITY_USAGE);
    const client = await open(args, api);
    if (asset === undefined) {
      return listOutput(
        'assets',
        await client.call('listAssetCriticality', {}),
        (c) => `${c.asset}\t${c.criticality}${c.set ? '' : ' (default)'}\t${c.assetClass ?? '-'}`,
      );
    }
    const assetClass = args.flag('no-class') ? null : args.str('class');
    const set = await client.call('setAssetCriticality', {
      asset,
      criticality: level as number,
      ...(assetClass === undefined ? {} : { assetClass }),
    });
    return { value: set, text: `${set.asset}: criticality ${set.criticality}, class ${set.assetClass ?? '-'}` };
  },
};

const ASSUMPTIONS_USAGE = 'report assumptions --workspace <dir> [--set <file.json>] [--json]';

export const reportAssumptions: Command = {
  name: 'report assumptions',
  usage: ASSUMPTIONS_USAGE,
  details: `  The value report's assumptions: currency, downtimeCostPerHour {default, byClass {class: cost}},
  unplannedOutageHours, plannedOutageHours, unplannedRepairCost, plannedRepairCost. --set stores the ones a
  JSON file gives (the others keep their current values).`,
  options: { ...WORKSPACE, set: { type: 'string' } },
  run: async (args, api) => {
    const file = args.str('set');
    const client = await open(args, api);
    let current = await client.call('getRoiAssumptions', {});
    if (file !== undefined) {
      let patch: unknown;
      try {
        patch = JSON.parse(await readFile(resolve(file), 'utf8'));
      } catch (error) {
        fail(`report assumptions: --set ${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
        fail(`report assumptions: --set ${file}: expected a JSON object`);
      current = await client.call('setRoiAssumptions', { ...current, ...(patch as object) });
    }
    const classes = Object.entries(current.downtimeCostPerHour.byClass)
      .map(([c, v]) => `${c} ${v}`)
      .join(', ');
    return {
      value: current,
      text: [
        `currency ${current.currency}`,
        `downtime cost per hour: default ${current.downtimeCostPerHour.default}${classes === '' ? '' : `; ${classes}`}`,
        `outage: unplanned ${current.unplannedOutageHours} h, planned ${current.plannedOutageHours} h`,
        `repair cost: unplanned ${current.unplannedRepairCost}, planned ${current.plannedRepairCost}`,
      ].join('\n'),
    };
  },
};

export const REPORT_COMMANDS: readonly Command[] = [
  ...REPORT_KINDS.map(reportCommand),
  reportAssumptions,
  assetCriticality,
];

import {
  CRITICALITY_DEFAULT,
  DEFAULT_ROI_ASSUMPTIONS,
  RoiAssumptionsSchema,
  type AssetCriticality,
  type ReportExport,
  type ReportFormat,
  type ReportKind,
  type RoiAssumptions,
} from '../../../shared/reports.js';
import type { Connection } from './database.js';

/**
 * The report tables of migration 11 (asset criticality, report exports) and the ROI assumptions, kept in the
 * settings table of migration 10 under one key (a new assumption then needs no migration). Functions over a
 * Connection, like monitoring-store.ts.
 */

const ROI_KEY = 'roi_assumptions';

/** Every asset of the workspace (from its signals) with its criticality; unset ones carry the default. */
export const listAssetCriticality = async (db: Connection): Promise<AssetCriticality[]> => {
  const rows = await db.all<{ asset: string; criticality: number | null; asset_class: string | null }>(
    `WITH assets AS (SELECT DISTINCT asset FROM signals UNION SELECT asset FROM asset_criticality)
     SELECT a.asset, c.criticality, c.asset_class FROM assets a LEFT JOIN asset_criticality c USING (asset)
     ORDER BY a.asset`,
  );
  return rows.map((r) => ({
    asset: r.asset,
    criticality: r.criticality ?? CRITICALITY_DEFAULT,
    assetClass: r.asset_class,
    set: r.criticality !== null,
  }));
};

export const setAssetCriticality = async (
  db: Connection,
  input: { readonly asset: string; readonly criticality: number; readonly assetClass: string | null },
  by: string,
): Promise<AssetCriticality> => {
  const known = await db.all('SELECT 1 FROM signals WHERE asset = $1 LIMIT 1', [input.asset]);
  if (known.length === 0) throw new Error(`no asset "${input.asset}" in this workspace`);
  await db.run(
    `INSERT INTO asset_criticality (asset, criticality, asset_class, set_by, set_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (asset) DO UPDATE SET criticality = excluded.criticality, asset_class = excluded.asset_class,
       set_by = excluded.set_by, set_at = excluded.set_at`,
    [input.asset, input.criticality, input.assetClass, by],
  );
  return { asset: input.asset, criticality: input.criticality, assetClass: input.assetClass, set: true };
};

/** The stored assumptions over the defaults; a stored value that no longer parses falls back to the defaults. */
export const readRoiAssumptions = async (db: Connection): Promise<RoiAssumptions> => {
  const rows = await db.all<{ value: string }>('SELECT value FROM settings WHERE key = $1', [ROI_KEY]);
  if (rows[0] === undefined) return DEFAULT_ROI_ASSUMPTIONS;
  try {
    const parsed = RoiAssumptionsSchema.safeParse(JSON.parse(rows[0].value));
    return parsed.success ? parsed.data : DEFAULT_ROI_ASSUMPTIONS;
  } catch {
    return DEFAULT_ROI_ASSUMPTIONS;
  }
};

export const saveRoiAssumptions = async (db: Connection, assumptions: RoiAssumptions): Promise<RoiAssumptions> => {
  const checked = RoiAssumptionsSchema.parse(assumptions);
  await db.run('INSERT OR REPLACE INTO settings (key, value) VALUES ($1, $2)', [ROI_KEY, JSON.stringify(checked)]);
  return checked;
};

export const recordReportExport = async (
  db: Connection,
  input: {
    readonly kind: ReportKind;
    readonly parameters: Readonly<Record<string, unknown>>;
    readonly sha256: string;
    readonly path: string;
    readonly format: ReportFormat;
    readonly pages: number | null;
    readonly who: string;
  },
): Promise<number> => {
  const row = await db.one<{ id: number }>(
    `INSERT INTO report_exports (kind, parameters, sha256, path, format, pages, who)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [input.kind, JSON.stringify(input.parameters), input.sha256, input.path, input.format, input.pages, input.who],
  );
  return row.id;
};

export const listReportExports = async (db: Connection): Promise<ReportExport[]> =>
  (
    await db.all<{
      id: number;
      kind: ReportKind;
      parameters: string;
      sha256: string;
      path: string;
      format: ReportFormat;
      pages: number | null;
      created_at: string;
      who: string;
    }>(
      `SELECT id, kind, CAST(parameters AS VARCHAR) AS parameters, sha256, path, format, pages,
         strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at, who FROM report_exports ORDER BY id DESC`,
    )
  ).map((r) => ({
    id: r.id,
    kind: r.kind,
    parameters: JSON.parse(r.parameters) as Record<string, unknown>,
    sha256: r.sha256,
    path: r.path,
    format: r.format,
    pages: r.pages,
    createdAt: r.created_at,
    who: r.who,
  }));

import type { TimeKind } from '../../../shared/domain.js';
import type { Connection } from './database.js';
import type { EventInput } from './events.js';

/** Events as the app lists and edits them: with their time axis (µs or cycles) and source. */

export interface EventRecord {
  readonly id: number;
  readonly asset: string;
  readonly kind: EventInput['kind'];
  readonly startT: number;
  readonly endT: number | null;
  readonly timeKind: TimeKind;
  readonly code: string | null;
  readonly description: string | null;
  readonly source: string;
}

export interface EventChange {
  /** Omitted: a new event. */
  readonly id?: number | undefined;
  readonly asset: string;
  readonly kind: EventInput['kind'];
  readonly startT: number;
  readonly endT: number | null;
  readonly code: string | null;
  readonly description: string | null;
}

interface Row {
  id: number;
  asset: string;
  kind: EventInput['kind'];
  start_t: number;
  end_t: number | null;
  time_kind: TimeKind;
  code: string | null;
  description: string | null;
  source: string;
}

const COLUMNS = 'id, asset, kind, start_t, end_t, time_kind, code, description, source';

const toRecord = (r: Row): EventRecord => ({
  id: r.id,
  asset: r.asset,
  kind: r.kind,
  startT: r.start_t,
  endT: r.end_t,
  timeKind: r.time_kind,
  code: r.code,
  description: r.description,
  source: r.source,
});

export const listEventRecords = async (db: Connection, assets?: readonly string[]): Promise<EventRecord[]> => {
  if (assets !== undefined && assets.length === 0) return [];
  const filter = assets === undefined ? '' : `WHERE asset IN (${assets.map((_, i) => `$${i + 1}`).join(', ')})`;
  const rows = await db.all<Row>(
    `SELECT ${COLUMNS} FROM events ${filter} ORDER BY start_t, id`,
    assets === undefined ? [] : [...assets],
  );
  return rows.map(toRecord);
};

/** The time axis of an asset: cycles when all its signals count cycles, else timestamps (also for unknown assets). */
export const assetTimeKind = async (db: Connection, asset: string): Promise<TimeKind> => {
  const kinds = await db.all<{ time_kind: TimeKind }>('SELECT DISTINCT time_kind FROM signals WHERE asset = $1', [
    asset,
  ]);
  return kinds.length > 0 && kinds.every((k) => k.time_kind === 'cycle') ? 'cycle' : 'timestamp';
};

const integerTime = (t: number, what: string): number => {
  if (!Number.isFinite(t)) throw new Error(`${what}: not a finite time`);
  return Math.round(t);
};

/**
 * Add (no id) or edit an event. An edited event keeps its source; a new one's source is "manual". The time axis
 * follows the asset's signals, so a band drawn on a cycle-indexed chart stays in cycles.
 */
export const saveEventRecord = async (db: Connection, change: EventChange): Promise<EventRecord> => {
  const asset = change.asset.trim();
  if (asset === '') throw new Error('event: the asset is empty');
  const startT = integerTime(change.startT, 'start');
  const endT = change.endT === null ? null : integerTime(change.endT, 'end');
  if (endT !== null && endT < startT) throw new Error('event: the end is before the start');
  const timeKind = await assetTimeKind(db, asset);
  const values = [
    asset,
    change.kind,
    startT,
    endT,
    timeKind,
    change.code?.trim() || null,
    change.description?.trim() || null,
  ];
  if (change.id === undefined) {
    const row = await db.one<Row>(
      `INSERT INTO events (asset, kind, start_t, end_t, time_kind, code, description, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'manual') RETURNING ${COLUMNS}`,
      values,
    );
    return toRecord(row);
  }
  const existing = await db.all<{ id: number }>('SELECT id FROM events WHERE id = $1', [change.id]);
  if (existing.length === 0) throw new Error(`no event ${change.id} (deleted meanwhile?)`);
  await db.run(
    'UPDATE events SET asset = $1, kind = $2, start_t = $3, end_t = $4, time_kind = $5, code = $6, description = $7 WHERE id = $8',
    [...values, change.id],
  );
  return toRecord(await db.one<Row>(`SELECT ${COLUMNS} FROM events WHERE id = $1`, [change.id]));
};

export const deleteEventRecord = async (db: Connection, id: number): Promise<boolean> => {
  const existing = await db.all<{ id: number }>('SELECT id FROM events WHERE id = $1', [id]);
  if (existing.length === 0) return false;
  await db.run('DELETE FROM events WHERE id = $1', [id]);
  return true;
};

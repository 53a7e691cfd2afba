import type { Connection } from './database.js';

/** Events (failures, maintenance work orders, inspections) and their import from CMMS exports. */

export interface EventInput {
  readonly asset: string;
  readonly kind: 'failure' | 'maintenance' | 'inspection' | 'anomaly' | 'note';
  /** µs since the epoch. */
  readonly startT: number;
  readonly endT: number | null;
  readonly code: string | null;
  readonly description: string | null;
}

export interface EventReject {
  readonly line: number;
  readonly field: string | null;
  readonly reason: string;
  readonly raw: string;
}

export interface EventImportResult {
  readonly ingestId: number;
  readonly events: number;
  /** Events already in the workspace (same asset, kind, start and code): kept once. */
  readonly duplicates: number;
  readonly rejected: number;
}

/**
 * Store events from one file in one transaction, with an ingest record and the rows that could not be read
 * in `rejects`. An event already present (same asset, kind, start, code and source) is not added twice.
 */
export const storeEvents = async (
  db: Connection,
  file: string,
  sha256: string,
  events: readonly EventInput[],
  rejects: readonly EventReject[],
): Promise<EventImportResult> =>
  db.transaction(async () => {
    const { id: ingestId } = await db.one<{ id: number }>(
      `INSERT INTO ingests (file, format, sha256, status, rows) VALUES ($1, 'events-csv', $2, 'running', $3) RETURNING id`,
      [file, sha256, events.length + rejects.length],
    );
    const source = `cmms:${file}`;
    let added = 0;
    for (let start = 0; start < events.length; start += 5000) {
      const slice = events.slice(start, start + 5000);
      const json = (pick: (e: EventInput) => unknown) => JSON.stringify(slice.map(pick));
      await db.run(
        'CREATE OR REPLACE TEMP TABLE pdm_events_in AS SELECT * FROM (SELECT unnest($1::VARCHAR[]) AS asset, unnest($2::VARCHAR[]) AS kind, unnest($3::BIGINT[]) AS start_t, unnest($4::BIGINT[]) AS end_t, unnest($5::VARCHAR[]) AS code, unnest($6::VARCHAR[]) AS description)',
        [
          json((e) => e.asset),
          json((e) => e.kind),
          json((e) => e.startT),
          json((e) => e.endT),
          json((e) => e.code),
          json((e) => e.description),
        ],
      );
      const rows = await db.all<{ Count?: number }>(
        `INSERT INTO events (asset, kind, start_t, end_t, time_kind, code, description, source)
         SELECT DISTINCT ON (asset, kind, start_t, code) asset, kind, start_t, end_t, 'timestamp', code, description, $1 FROM pdm_events_in i
         WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.asset = i.asset AND e.kind = i.kind AND e.start_t = i.start_t
                           AND e.code IS NOT DISTINCT FROM i.code)`,
        [source],
      );
      added += Number(rows[0]?.Count ?? 0);
      await db.run('DROP TABLE pdm_events_in');
    }
    for (const r of rejects) {
      await db.run('INSERT INTO rejects VALUES ($1, $2, $3, $4, $5, $6)', [
        ingestId,
        file,
        r.line,
        r.field,
        r.reason,
        r.raw.slice(0, 2000),
      ]);
    }
    await db.run(
      `UPDATE ingests SET status = 'done', finished_at = now(), "values" = $1, rejected = $2, duplicates = $3 WHERE id = $4`,
      [added, rejects.length, events.length - added, ingestId],
    );
    return { ingestId, events: added, duplicates: events.length - added, rejected: rejects.length };
  });

import type { Alert, Deployment, ShadowReport, ShadowSide } from '../../../shared/monitoring.js';
import type { Connection } from '../workspace/database.js';
import { getDeployment, listAlerts } from '../workspace/monitoring-store.js';

/**
 * "What would have happened": a challenger running in shadow on the champion's data, its alerts set beside the
 * champion's. The champion's dispositions are the evidence (what the technicians found), so a promotion can be
 * argued in their terms: failures the challenger also caught, false alarms it would have spared, how much
 * earlier or later it warned.
 */

export interface ShadowComparison {
  readonly asset: string;
  readonly championAlerts: number;
  readonly challengerAlerts: number;
  /** Champion alerts with a challenger alert on the same asset within the tolerance. */
  readonly matched: number;
  readonly championOnly: number;
  readonly challengerOnly: number;
  /** Champion alerts confirmed by a technician that the challenger also raised / missed. */
  readonly confirmedAlsoRaised: number;
  readonly confirmedMissed: number;
  /** Champion alerts closed as false alarms that the challenger did not raise. */
  readonly falseAlarmsSpared: number;
  /** Mean of (champion raised - challenger raised) over matched alerts: positive means the challenger warned earlier. */
  readonly meanHeadStart: number | null;
}

/** Pair alerts per asset: each champion alert with the nearest unpaired challenger alert within `tolerance`. */
export const compareShadowAlerts = (
  champion: readonly Alert[],
  challenger: readonly Alert[],
  tolerance: number,
): ShadowComparison[] => {
  const assets = [...new Set([...champion, ...challenger].map((a) => a.asset))].sort();
  return assets.map((asset) => {
    const ours = champion.filter((a) => a.asset === asset).sort((a, b) => a.raisedT - b.raisedT);
    const theirs = challenger.filter((a) => a.asset === asset).sort((a, b) => a.raisedT - b.raisedT);
    const used = new Set<number>();
    let matched = 0;
    let confirmedAlsoRaised = 0;
    let confirmedMissed = 0;
    let falseAlarmsSpared = 0;
    let headStart = 0;
    for (const a of ours) {
      let best = -1;
      theirs.forEach((b, j) => {
        if (used.has(j) || Math.abs(b.raisedT - a.raisedT) > tolerance) return;
        if (best < 0 || Math.abs(b.raisedT - a.raisedT) < Math.abs((theirs[best] as Alert).raisedT - a.raisedT))
          best = j;
      });
      const kind = a.closed?.disposition.kind;
      if (best >= 0) {
        used.add(best);
        matched += 1;
        headStart += a.raisedT - (theirs[best] as Alert).raisedT;
        if (kind === 'confirmed') confirmedAlsoRaised += 1;
      } else {
        if (kind === 'confirmed') confirmedMissed += 1;
        if (kind === 'false-alarm') falseAlarmsSpared += 1;
      }
    }
    return {
      asset,
      championAlerts: ours.length,
      challengerAlerts: theirs.length,
      matched,
      championOnly: ours.length - matched,
      challengerOnly: theirs.length - matched,
      confirmedAlsoRaised,
      confirmedMissed,
      falseAlarmsSpared,
      meanHeadStart: matched > 0 ? headStart / matched : null,
    };
  });
};

/** The comparison for a stored challenger deployment against its champion. */
export const shadowComparison = async (
  db: Connection,
  challengerId: string,
  tolerance: number,
): Promise<ShadowComparison[]> => {
  const challenger = await getDeployment(db, challengerId);
  if (challenger === null) throw new Error(`no deployment "${challengerId}" in this workspace`);
  if (challenger.championId === null) throw new Error(`deployment ${challengerId} is not a challenger`);
  return compareShadowAlerts(
    await listAlerts(db, { deploymentId: challenger.championId }),
    await listAlerts(db, { deploymentId: challengerId }),
    tolerance,
  );
};

type Evidence = 'confirmed' | 'false-alarm' | 'not-actionable' | null;

const tally = (deployment: Deployment, evidence: readonly Evidence[]): ShadowSide => ({
  deployment: deployment.id,
  modelVersion: deployment.currentVersion,
  raised: evidence.length,
  confirmed: evidence.filter((e) => e === 'confirmed').length,
  falseAlarms: evidence.filter((e) => e === 'false-alarm').length,
  notActionable: evidence.filter((e) => e === 'not-actionable').length,
  undispositioned: evidence.filter((e) => e === null).length,
});

/**
 * Champion and challenger side by side. The champion's alerts count with their own dispositions. A challenger
 * alert counts with the disposition of the champion alert it pairs with (the same warning, which technicians
 * worked), else with its own if someone closed it, else as undispositioned: the evidence is what people found.
 */
export const shadowReportOf = (
  champion: Deployment,
  challenger: Deployment,
  championAlerts: readonly Alert[],
  challengerAlerts: readonly Alert[],
  tolerance: number,
): ShadowReport => {
  const evidenceOfChallenger = new Map<string, Evidence>();
  const assets = [...new Set([...championAlerts, ...challengerAlerts].map((a) => a.asset))];
  for (const asset of assets) {
    const ours = championAlerts.filter((a) => a.asset === asset);
    const theirs = challengerAlerts.filter((a) => a.asset === asset);
    const used = new Set<string>();
    for (const a of ours) {
      const candidates = theirs
        .filter((b) => !used.has(b.id) && Math.abs(b.raisedT - a.raisedT) <= tolerance)
        .sort((x, y) => Math.abs(x.raisedT - a.raisedT) - Math.abs(y.raisedT - a.raisedT));
      const best = candidates[0];
      if (best === undefined) continue;
      used.add(best.id);
      if (a.closed !== null) evidenceOfChallenger.set(best.id, a.closed.disposition.kind);
    }
  }
  return {
    champion: tally(
      champion,
      championAlerts.map((a) => a.closed?.disposition.kind ?? null),
    ),
    challenger: tally(
      challenger,
      challengerAlerts.map((a) => evidenceOfChallenger.get(a.id) ?? a.closed?.disposition.kind ?? null),
    ),
    tolerance,
    byAsset: compareShadowAlerts(championAlerts, challengerAlerts, tolerance),
  };
};

/** The report for a stored challenger against its champion, from the workspace's alerts. */
export const shadowReport = async (db: Connection, challengerId: string, tolerance: number): Promise<ShadowReport> => {
  const challenger = await getDeployment(db, challengerId);
  if (challenger === null) throw new Error(`no deployment "${challengerId}" in this workspace`);
  if (challenger.championId === null) throw new Error(`deployment ${challengerId} is not a challenger`);
  const champion = await getDeployment(db, challenger.championId);
  if (champion === null) throw new Error(`no deployment "${challenger.championId}" in this workspace`);
  return shadowReportOf(
    champion,
    challenger,
    await listAlerts(db, { deploymentId: champion.id }),
    await listAlerts(db, { deploymentId: challengerId }),
    tolerance,
  );
};

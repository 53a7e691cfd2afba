/**
 * Semantic version order (major.minor.patch[-prerelease][+build]), as electron-updater compares versions:
 * a release is newer than its prereleases; build metadata is ignored.
 */
const parse = (version: string) => {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (m === null) return null;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] === undefined ? [] : m[4].split('.') };
};

export const isValidVersion = (version: string): boolean => parse(version) !== null;

/** Negative when a < b, 0 when equal, positive when a > b. Throws on a string that is not a version. */
export const compareVersions = (a: string, b: string): number => {
  const x = parse(a);
  const y = parse(b);
  if (x === null) throw new Error(`"${a}" is not a version (major.minor.patch)`);
  if (y === null) throw new Error(`"${b}" is not a version (major.minor.patch)`);
  for (let i = 0; i < 3; i += 1) {
    const d = (x.core[i] ?? 0) - (y.core[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i += 1) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn && Number(p) !== Number(q)) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
};

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ICON_FILES, generateIcons } from '../../../scripts/icons/generate-icons.mjs';
import { ZIP_FOLDER } from '../../../scripts/packaging/electron-zip.mjs';
import { builderEnv } from '../../../scripts/packaging/signing.mjs';

/*
 * electron-builder.yml checked without packaging (packaging needs Electron's release zip, which this
 * machine cannot download): it validates against electron-builder's own JSON schema, and every file it names
 * exists (icons drawn by `npm run icons` first, as `npm run dist` does).
 */

const require = createRequire(import.meta.url);
// Both come with electron-builder (a dev dependency); if a reinstall drops them this test fails rather than skips.
const yaml = require('js-yaml') as { load(text: string): unknown };
const Ajv = require('ajv') as new (options: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
};
const schemaFile = join('node_modules', 'app-builder-lib', 'scheme.json');

type Target = { target: string[]; artifactName?: string; icon?: string };
type BuilderConfig = {
  productName: string;
  directories: { output: string; buildResources: string };
  electronDist: string;
  beforePack: string;
  afterPack: string;
  files: string[];
  extraResources: { from: string; to: string }[];
  asarUnpack: string[];
  linux: Target;
  win: Target;
  mac: Target & { hardenedRuntime: boolean; notarize: boolean; entitlements: string; entitlementsInherit: string };
  nsis: { oneClick: boolean; perMachine: boolean; allowElevation: boolean; license: string };
  msi: { perMachine: boolean; artifactName: string };
  publish: { provider: string; url: string }[];
};

const config = (): BuilderConfig => yaml.load(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;

/** Keys whose values are files or folders of the project (electron-builder resolves them from the project folder). */
const PATH_KEYS = new Set([
  'buildResources',
  'icon',
  'installerIcon',
  'uninstallerIcon',
  'installerHeaderIcon',
  'license',
  'entitlements',
  'entitlementsInherit',
  'beforePack',
  'afterPack',
  'from',
]);

/** Every project file the config names, with the key that names it. */
const namedFiles = (value: unknown, key = ''): { key: string; path: string }[] => {
  if (Array.isArray(value)) return value.flatMap((v) => namedFiles(v, key));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => namedFiles(v, key === '' ? k : `${key}.${k}`));
  const last = key.split('.').pop() ?? '';
  return typeof value === 'string' && PATH_KEYS.has(last) ? [{ key, path: value }] : [];
};
const missingFiles = (c: unknown) => namedFiles(c).filter(({ path }) => !existsSync(path));

describe('electron-builder.yml', () => {
  beforeAll(() => {
    generateIcons();
  });

  it("is valid for electron-builder's schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    const valid = validate(config());
    expect(validate.errors ?? null, JSON.stringify(validate.errors)).toBeNull();
    expect(valid).toBe(true);
  });

  it('names only files that exist: icons, entitlements, licence, hooks, sample data', () => {
    const named = namedFiles(config());
    expect(named.map((n) => n.key)).toEqual(
      expect.arrayContaining([
        'directories.buildResources',
        'beforePack',
        'afterPack',
        'linux.icon',
        'win.icon',
        'mac.icon',
        'mac.entitlements',
        'mac.entitlementsInherit',
        'nsis.installerIcon',
        'nsis.uninstallerIcon',
        'nsis.license',
        'dmg.icon',
        'extraResources.from',
      ]),
    );
    expect(missingFiles(config())).toEqual([]);
  });

  it('a config naming a file that does not exist fails the check', () => {
    const broken = { ...config(), nsis: { ...config().nsis, installerIcon: 'resources/build/missing.ico' } };
    expect(missingFiles(broken)).toEqual([{ key: 'nsis.installerIcon', path: 'resources/build/missing.ico' }]);
  });

  it('takes its icons from what `npm run icons` draws', () => {
    const c = config();
    const generated = new Set(ICON_FILES.map((f) => `${c.directories.buildResources}/${f}`));
    expect(generated.has(c.win.icon ?? '')).toBe(true);
    expect(generated.has(c.mac.icon ?? '')).toBe(true);
    expect(ICON_FILES.some((f) => `${c.directories.buildResources}/${f}`.startsWith(`${c.linux.icon ?? '?'}/`))).toBe(
      true,
    );
    expect(existsSync(join(c.directories.buildResources, 'icon-source.svg'))).toBe(true);
  });

  it('targets AppImage and deb, NSIS (per machine or per user) and MSI, and a notarised, hardened dmg', () => {
    const c = config();
    expect(c.productName).toBe('PdM Studio');
    expect(c.directories.output).toBe('release');
    expect(c.files).toEqual(expect.arrayContaining(['package.json', 'dist/**/*']));
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.win.target).toEqual(['nsis', 'msi']);
    expect(c.mac.target).toEqual(['dmg', 'zip']);
    // oneClick off and perMachine off: the installer asks "all users or only me"; /allusers or /currentuser silently
    expect(c.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true });
    expect(c.msi.perMachine).toBe(true);
    expect(c.mac).toMatchObject({ hardenedRuntime: true, notarize: true });
  });

  it('says "-unsigned" in every artifact name of an unsigned build', () => {
    const c = config();
    for (const name of [c.linux.artifactName, c.win.artifactName, c.mac.artifactName, c.msi.artifactName])
      expect(name).toContain('${env.PDM_STUDIO_UNSIGNED}.${ext}');
    expect(builderEnv(false)['PDM_STUDIO_UNSIGNED']).toBe('-unsigned');
    expect(builderEnv(true)['PDM_STUDIO_UNSIGNED']).toBe('');
    // only the environment signs: no identity picked from the keychain when the signing variables are absent
    expect(builderEnv(false)['CSC_IDENTITY_AUTO_DISCOVERY']).toBe('false');
  });

  it('packages Electron from the folder the preflight fills, and publishes a generic update feed', () => {
    const c = config();
    expect(c.electronDist).toBe(ZIP_FOLDER);
    expect(c.publish).toEqual([expect.objectContaining({ provider: 'generic' })]);
  });

  it('ships the sample data where app-core looks for it', () => {
    const c = config();
    expect(c.extraResources).toContainEqual(
      expect.objectContaining({ from: 'resources/sample', to: 'resources/sample' }),
    );
    expect(existsSync(join('resources', 'sample'))).toBe(true);
  });

  it('unpacks the installed DuckDB native binding from the asar', () => {
    const patterns = config().asarUnpack;
    const bindings = readdirSync(join('node_modules', '@duckdb')).filter((name) => name.startsWith('node-bindings-'));
    expect(bindings.length).toBeGreaterThan(0);
    for (const name of bindings) {
      const natives = readdirSync(join('node_modules', '@duckdb', name)).filter((f) => f.endsWith('.node'));
      expect(natives.length).toBeGreaterThan(0);
      expect(patterns.some((p) => p.startsWith('node_modules/@duckdb/node-bindings-*'))).toBe(true);
    }
    expect(patterns).toContain('node_modules/@duckdb/**/*.node');
  });
});

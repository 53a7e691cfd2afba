import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * electron-builder.yml checked without packaging (packaging needs Electron's release zip, which this
 * machine cannot download): it validates against electron-builder's own JSON schema, and the patterns
 * that matter at run time point at real files.
 */

const require = createRequire(import.meta.url);
// Both come with electron-builder (a dev dependency); if a reinstall drops them this test fails rather than skips.
const yaml = require('js-yaml') as { load(text: string): unknown };
const Ajv = require('ajv') as new (options: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
};
const schemaFile = join('node_modules', 'app-builder-lib', 'scheme.json');

type BuilderConfig = {
  productName: string;
  directories: { output: string };
  files: string[];
  extraResources: { from: string; to: string }[];
  asarUnpack: string[];
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
  publish: null;
};

const config = (): BuilderConfig => {
  return yaml.load(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
};

describe('electron-builder.yml', () => {
  it("is valid for electron-builder's schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    const valid = validate(config());
    expect(validate.errors ?? null, JSON.stringify(validate.errors)).toBeNull();
    expect(valid).toBe(true);
  });

  it('packages the build output and targets AppImage, deb, nsis and dmg without publishing', () => {
    const c = config();
    expect(c.productName).toBe('PdM Studio');
    expect(c.directories.output).toBe('release');
    expect(c.files).toEqual(expect.arrayContaining(['package.json', 'dist/**/*']));
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.win.target).toEqual(['nsis']);
    expect(c.mac.target).toEqual(['dmg']);
    expect(c.publish).toBeNull();
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

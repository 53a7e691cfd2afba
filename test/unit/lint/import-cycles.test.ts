import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * No import cycles in src/main/core: neither between its folders (workspace -> import -> workspace was one,
 * historians -> app -> historians another) nor between files. A cycle makes the load order matter and
 * means two modules can only be understood together. Type-only imports count too: they still tie the
 * modules' designs together.
 */

const CORE = resolve('src/main/core');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });

/** Relative specifiers of static imports, re-exports and dynamic import() calls. */
const importsOf = (text: string): string[] => {
  const found: string[] = [];
  const patterns = [/\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g, /\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1] as string);
  return found;
};

type Graph = ReadonlyMap<string, ReadonlySet<string>>;

/** The file graph of src/main/core (edges to files outside it are dropped). */
const fileGraph = (): Graph => {
  const files = sourceFiles(CORE);
  const known = new Set(files);
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      if (known.has(target)) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
};

/** Folder of a core file: src/main/core/<folder>/...; files directly in core/ are their own module. */
const folderOf = (file: string): string => relative(CORE, file).split(sep)[0] as string;

const folderGraph = (files: Graph): Graph => {
  const graph = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    for (const target of targets) if (folderOf(target) !== from) edges.add(folderOf(target));
    graph.set(from, edges);
  }
  return graph;
};

/** Every cycle's strongly connected component (Tarjan), each sorted; self-loops count. */
export const cycles = (graph: Graph): string[][] => {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, indexOf.get(next) as number));
    }
    if (low.get(node) === indexOf.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return found;
};

describe('import cycles in src/main/core', () => {
  const files = fileGraph();

  it('the walk sees the core (guards against a broken pattern passing vacuously)', () => {
    expect(files.size).toBeGreaterThan(50);
    const edges = [...files.values()].reduce((n, s) => n + s.size, 0);
    expect(edges).toBeGreaterThan(100);
    expect(files.get(join(CORE, 'app', 'app-core.ts'))).toContain(join(CORE, 'app', 'import-files.ts'));
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['workspace', new Set(['import'])],
      ['import', new Set(['workspace'])],
      ['app', new Set(['workspace'])],
    ]);
    expect(cycles(graph)).toEqual([['import', 'workspace']]);
    expect(cycles(new Map([['a', new Set(['a'])]]))).toEqual([['a']]);
    expect(cycles(new Map([['a', new Set(['b'])]]))).toEqual([]);
  });

  it('no cycle between the folders of src/main/core', () => {
    expect(cycles(folderGraph(files))).toEqual([]);
  });

  it('the base modules stay at the bottom: log/ and util/ import no other core folder, jobs/ only log/', () => {
    const folders = folderGraph(files);
    expect([...(folders.get('log') ?? [])]).toEqual([]);
    expect([...(folders.get('util') ?? [])]).toEqual([]);
    expect([...(folders.get('jobs') ?? [])]).toEqual(['log']);
  });

  it('no cycle between the files of src/main/core', () => {
    expect(cycles(files).map((c) => c.map((f) => relative(CORE, f)))).toEqual([]);
  });
});

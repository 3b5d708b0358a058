import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverProject, readProjectFile, writeProjectFile } from '../../src/consent/project-file.js';
import { tempDir } from '../support/child.js';

const NAME = '.demo-telemetry.json';

describe('discoverProject', () => {
  it('collects every project file from the start directory up to the repository root, nearest first', () => {
    const outer = tempDir();
    const root = join(outer, 'repo');
    const deep = join(root, 'a', 'b');
    mkdirSync(join(root, '.git'), { recursive: true });
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(outer, NAME), '{"enabled":false}');
    writeFileSync(join(root, NAME), '{"enabled":true}');
    writeFileSync(join(root, 'a', NAME), '{"projectId":"p"}');
    const found = discoverProject(deep, NAME, undefined);
    expect(found.root).toBe(root);
    expect(found.writePath).toBe(join(root, NAME));
    expect(found.files).toEqual([
      { path: join(root, 'a', NAME), verdict: { kind: 'no-answer', projectId: 'p' } },
      { path: join(root, NAME), verdict: { kind: 'answer', enabled: true } },
    ]);
  });

  it('treats a .git file (a worktree) as the repository root too', () => {
    const root = tempDir();
    writeFileSync(join(root, '.git'), 'gitdir: /elsewhere\n');
    mkdirSync(join(root, 'src'));
    expect(discoverProject(join(root, 'src'), NAME, undefined).root).toBe(root);
  });

  it('stops below the home directory, and has nowhere to write when started in it', () => {
    const home = tempDir();
    const work = join(home, 'work');
    mkdirSync(work);
    writeFileSync(join(home, NAME), '{"enabled":false}');
    expect(discoverProject(work, NAME, home)).toEqual({ files: [], root: undefined, writePath: join(work, NAME) });
    expect(discoverProject(home, NAME, home).writePath).toBeUndefined();
  });
});

describe('project file contents', () => {
  it('reads answers, ids, and damage (counted as no by the resolver)', () => {
    const dir = tempDir();
    const at = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    expect(readProjectFile(join(dir, 'absent.json'))).toBeUndefined();
    expect(readProjectFile(at('no.json', '{"enabled":false}'))).toEqual({ kind: 'answer', enabled: false });
    expect(readProjectFile(at('str.json', '{"enabled":"false"}'))).toMatchObject({ kind: 'unreadable' });
    expect(readProjectFile(at('array.json', '[]'))).toMatchObject({ kind: 'unreadable', reason: 'not a JSON object' });
    expect(readProjectFile(at('bad.json', '{'))).toMatchObject({ kind: 'unreadable', reason: 'not valid JSON' });
  });

  it('a yes adds a random projectId once; a no removes it; nothing else of the old file is carried over', () => {
    const path = join(tempDir(), NAME);
    writeFileSync(path, '{"$schema":"x","auths":{"registry":"secret"}}');
    writeProjectFile(path, true);
    const first = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(first).sort()).toEqual(['enabled', 'projectId']);
    expect(first['projectId']).toMatch(/^[0-9a-f-]{36}$/);
    writeProjectFile(path, true);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(first);
    writeProjectFile(path, false);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ enabled: false });
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeRemote, parseRemotes, readGitRemote } from '../../src/identity/git-remote.js';
import { projectFact, projectId } from '../../src/identity/project-id.js';
import { tempDir } from '../support/child.js';

describe('normalizeRemote: one spelling per repository, without credentials or ports', () => {
  const same = [
    'git@github.com:acme/tool.git',
    'git@github.com:acme/tool',
    'https://github.com/acme/tool.git',
    'https://github.com/acme/tool/',
    'https://user:ghp_secret@GitHub.com/acme/tool',
    'ssh://git@github.com:22/acme/tool.git',
    'git://github.com/acme/tool.git',
  ];
  for (const url of same) {
    it(`${url} -> github.com/acme/tool`, () => expect(normalizeRemote(url)).toBe('github.com/acme/tool'));
  }

  it('keeps what tells repositories apart', () => {
    expect(normalizeRemote('git@gitlab.com:acme/tool.git')).toBe('gitlab.com/acme/tool');
    expect(normalizeRemote('https://github.com/acme/other')).toBe('github.com/acme/other');
    expect(normalizeRemote('/srv/git/tool.git')).toBe('srv/git/tool');
  });

  it('gives nothing for an empty or unparseable URL', () => {
    expect(normalizeRemote('   ')).toBeUndefined();
    expect(normalizeRemote('https://[broken')).toBeUndefined();
  });
});

describe('reading the remote from the git config file', () => {
  const config = [
    '[core]',
    '\tbare = false',
    '[remote "upstream"]',
    '\turl = https://github.com/upstream/tool.git',
    '[remote "origin"]',
    '\turl = "git@github.com:acme/tool.git" ; a comment',
    '\tfetch = +refs/heads/*:refs/remotes/origin/*',
    '[branch "main"]',
    '\turl = not-a-remote',
  ].join('\n');

  it('parses each remote section, and nothing outside them', () => {
    expect([...parseRemotes(config)]).toEqual([
      ['upstream', 'https://github.com/upstream/tool.git'],
      ['origin', 'git@github.com:acme/tool.git'],
    ]);
  });

  it('prefers origin; follows a worktree .git file to the common git dir', () => {
    const main = tempDir('optel-git-');
    mkdirSync(join(main, '.git', 'worktrees', 'feature'), { recursive: true });
    writeFileSync(join(main, '.git', 'config'), config);
    writeFileSync(join(main, '.git', 'worktrees', 'feature', 'commondir'), '../..\n');
    expect(readGitRemote(main)).toBe('git@github.com:acme/tool.git');

    const worktree = tempDir('optel-worktree-');
    writeFileSync(join(worktree, '.git'), `gitdir: ${join(main, '.git', 'worktrees', 'feature')}\n`);
    expect(readGitRemote(worktree)).toBe('git@github.com:acme/tool.git');
  });

  it('gives nothing without a readable config or a remote', () => {
    expect(readGitRemote(tempDir())).toBeUndefined();
    const bare = tempDir();
    mkdirSync(join(bare, '.git'));
    writeFileSync(join(bare, '.git', 'config'), '[core]\n');
    expect(readGitRemote(bare)).toBeUndefined();
  });
});

describe('projectId', () => {
  const key = new Uint8Array(32).fill(7);

  it('is a keyed hash: same fact and key, same id; another key, another id; never the fact itself', () => {
    const id = projectId('git:github.com/acme/tool', key);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(projectId('git:github.com/acme/tool', key)).toBe(id);
    expect(projectId('git:github.com/acme/tool', new Uint8Array(32).fill(8))).not.toBe(id);
    expect(projectId('git:github.com/acme/other', key)).not.toBe(id);
  });

  it("takes the project file's id over the remote", () => {
    expect(projectFact({ fileId: 'abc', root: tempDir() })).toBe('file:abc');
    expect(projectFact({})).toBeUndefined();
  });
});

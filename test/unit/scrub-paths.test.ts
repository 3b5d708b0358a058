/**
 * Where values are cut, which local paths are replaced (and which are left
 * alone because replacing them would mangle ordinary text), and which lines
 * of a stack trace survive, in the edge cases a user's machine produces.
 */
import { describe, expect, it } from 'vitest';
import type { LocalPaths } from '../../src/privacy/local-paths.js';
import { compilePaths } from '../../src/privacy/local-paths.js';
import { capText, scrubText } from '../../src/privacy/scrub-text.js';
import { scrubStack } from '../../src/privacy/stack.js';

const scrubWith = (paths: LocalPaths, text: string): string => scrubText(text, compilePaths(paths));

describe('cutting a long value', () => {
  it('a value exactly at the limit is left whole', () => {
    expect(capText('abc', 3)).toBe('abc');
  });

  it('a cut says so with …[truncated]', () => {
    expect(scrubText('x'.repeat(5000)).endsWith('…[truncated]')).toBe(true);
  });

  it('a cut between words keeps every whole word before the limit, and a word ending at the limit', () => {
    expect(capText('one two three', 8)).toBe('one two …[truncated]');
    expect(capText('one two three', 7)).toBe('one two…[truncated]');
  });

  for (const separator of [' ', '\n', '\t', '"', "'", ',', ';', '<', '>', '(', ')', '[', ']', '{', '}']) {
    it(`a word cut in half is dropped back to the ${JSON.stringify(separator)} before it, not further`, () => {
      expect(capText(`ab${separator}cdef`, 3)).toBe(`ab${separator}…[truncated]`);
    });
  }

  it('a cut just before an emoji keeps everything up to the limit', () => {
    expect(capText('ab  \u{1F600}', 3)).toBe('ab …[truncated]');
  });
});

describe('the working directory, the home directory and the login name', () => {
  it('when the working directory is the home directory, it reads as ~', () => {
    expect(scrubWith({ home: '/srv/jane', cwd: '/srv/jane' }, 'open /srv/jane/x')).toBe('open ~/x');
  });

  it('every occurrence is replaced, not just the first', () => {
    expect(scrubWith({ home: '/srv/jane' }, '/srv/jane/a and /srv/jane/b')).toBe('~/a and ~/b');
    expect(scrubWith({ userName: 'jane' }, '/data/jane/a:/mnt/jane/b')).toBe('/data/[user]/a:/mnt/[user]/b');
  });

  it('a home directory given with trailing separators still matches', () => {
    expect(scrubWith({ home: '/srv/jane//' }, 'read /srv/jane/.npmrc')).toBe('read ~/.npmrc');
  });

  it('POSIX paths are case-sensitive: /SRV/JANE is another place', () => {
    expect(scrubWith({ home: '/srv/jane' }, '/SRV/JANE/x')).toBe('/SRV/JANE/x');
  });

  it('a Windows network home matches in any case', () => {
    expect(scrubWith({ home: '\\\\server\\homes\\jane' }, '\\\\SERVER\\Homes\\Jane\\x')).toBe('~\\x');
  });

  it('a relative working directory, or one at a drive root, is not replaced: it would hit ordinary text', () => {
    expect(scrubWith({ cwd: 'work/acme' }, 'open work/acme/x')).toBe('open work/acme/x');
    expect(scrubWith({ cwd: 'C:\\' }, 'C:\\Windows\\x')).toBe('C:\\Windows\\x');
  });

  it('a two-letter login name is hidden as a path segment; a one-letter one is not', () => {
    expect(scrubWith({ userName: 'jo' }, '/data/jo/x')).toBe('/data/[user]/x');
    expect(scrubWith({ userName: 'j' }, '/a/j/b')).toBe('/a/j/b');
  });

  it('a numeric login name (a container uid) is not replaced, but a name with digits at either end is', () => {
    expect(scrubWith({ userName: '1000' }, '/proc/1000/x')).toBe('/proc/1000/x');
    expect(scrubWith({ userName: 'jane2' }, '/data/jane2/x')).toBe('/data/[user]/x');
    expect(scrubWith({ userName: '2fast' }, '/data/2fast/x')).toBe('/data/[user]/x');
  });

  it('a login name with a dot matches only itself', () => {
    expect(scrubWith({ userName: 'jane.doe' }, '/data/jane.doe/x and /data/janeXdoe/x')).toBe('/data/[user]/x and /data/janeXdoe/x');
  });
});

describe('stack frames', () => {
  const PATHS = compilePaths({ home: '/home/jane', userName: 'jane', cwd: '/home/jane/work', appRoot: '/home/jane/work/acme' });
  const FRAME = '    at f (/home/jane/work/acme/x.js:1:1)';

  it('only the first 32 KiB of a stack trace are read', () => {
    expect(scrubStack(`Error\n${'x'.repeat(40_000)}\n${FRAME}`, PATHS)).toBeUndefined();
    expect(scrubStack(`Error\n${'x'.repeat(30_000)}\n${FRAME}`, PATHS)).toBe('    at f (x.js:1:1)');
  });

  it('a stack that starts with a blank line keeps all its frames', () => {
    expect(scrubStack('\n    at a (/home/jane/work/acme/a.js:1:1)\n    at b (/home/jane/work/acme/b.js:2:2)', PATHS)).toBe('    at a (a.js:1:1)\n    at b (b.js:2:2)');
  });

  it('a message line that mentions a file location is not taken for a frame', () => {
    expect(scrubStack(`Error: failed (/home/jane/work/acme/x.js:3:4)\n${FRAME}`, PATHS)).toBe('    at f (x.js:1:1)');
  });

  it('a frame path with a doubled separator after the app root is still relative', () => {
    expect(scrubStack('    at f (/home/jane/work/acme//x.js:1:1)', PATHS)).toBe('    at f (x.js:1:1)');
  });

  it('a frame line of 2048 characters is read; a longer one is not', () => {
    const location = ' (/home/jane/work/acme/x.js:1:1)';
    const name = 'f'.repeat(2048 - 'at '.length - location.length);
    expect(scrubStack(`    at ${name}${location}`, PATHS)).toBe('    at x.js:1:1');
    expect(scrubStack(`    at ${name}f${location}`, PATHS)).toBeUndefined();
  });

  it('a frame line over 2048 characters, or one without a space before its location, is dropped', () => {
    expect(scrubStack(`    at ${'f'.repeat(3000)} (/home/jane/work/acme/x.js:1:1)`, PATHS)).toBeUndefined();
    expect(scrubStack('    at (/home/jane/work/acme/x.js:1:1)', PATHS)).toBeUndefined();
  });

  it('a function name over 256 characters, or one holding a path, is left out and the frame kept', () => {
    expect(scrubStack(`    at ${'g'.repeat(300)} (/home/jane/work/acme/x.js:1:1)`, PATHS)).toBe('    at x.js:1:1');
    expect(scrubStack(`    at ${'g'.repeat(256)} (/home/jane/work/acme/x.js:1:1)`, PATHS)).toBe(`    at ${'g'.repeat(256)} (x.js:1:1)`);
    expect(scrubStack('    at /home/bob/secret/fn (/home/jane/work/acme/x.js:1:1)', PATHS)).toBe('    at x.js:1:1');
  });

  it('without any local paths, node_modules frames are still kept', () => {
    expect(scrubStack('    at run (/opt/app/node_modules/commander/index.js:1:1)', undefined)).toBe('    at run (node_modules/commander/index.js:1:1)');
  });

  it('node_modules at the filesystem root, or already relative, is kept from node_modules/', () => {
    expect(scrubStack('    at run (/node_modules/commander/index.js:1:1)', PATHS)).toBe('    at run (node_modules/commander/index.js:1:1)');
    expect(scrubStack('    at run (node_modules/commander/index.js:1:1)', PATHS)).toBe('    at run (node_modules/commander/index.js:1:1)');
  });

  it('on POSIX, a directory that differs from the app root only in case is outside the app', () => {
    expect(scrubStack('    at f (/HOME/JANE/WORK/ACME/x.js:1:1)', PATHS)).toBeUndefined();
  });

  it('on Windows, a long path on another drive is outside the app', () => {
    const windows = compilePaths({ home: 'C:\\Users\\Jane', appRoot: 'C:\\Users\\Jane\\acme' });
    expect(scrubStack('    at other (D:\\some\\other\\directory\\deep\\x.js:1:1)', windows)).toBeUndefined();
  });

  it('a file URL is decoded; one that does not decode is dropped', () => {
    expect(scrubStack('    at f (file:///home/jane/work/acme/a%20b.js:1:1)', PATHS)).toBe('    at f (a b.js:1:1)');
    expect(scrubStack('    at f (file:///home/jane/work/acme/%E0%A4%A.js:1:1)', PATHS)).toBeUndefined();
  });
});

describe("another user's home, in every form a path takes", () => {
  it('is hidden deeper in an absolute path, with ¥ for a backslash, in UNC paths', () => {
    const cases: readonly (readonly [string, string])[] = [
      ['/path/to/Users/maria/repo', '/path/to/Users/[user]/repo'],
      ['/mnt/c/Users/maria/code', '/mnt/c/Users/[user]/code'],
      ['/srv/home/maria/x.log', '/srv/home/[user]/x.log'],
      ['¥Users¥maria¥Documents', '¥Users¥[user]¥Documents'],
      ['C:¥Users¥maria¥Desktop', 'C:¥Users¥[user]¥Desktop'],
      ['D:\\backup\\Users\\maria\\x', 'D:\\backup\\Users\\[user]\\x'],
      ['\\\\fileserver\\Users\\maria\\share', '\\\\fileserver\\Users\\[user]\\share'],
      ["open '/home/maria/.npmrc' failed", "open '/home/[user]/.npmrc' failed"],
    ];
    for (const [text, expected] of cases) expect(scrubText(text), text).toBe(expected);
  });

  it('stays in URLs and relative paths', () => {
    for (const text of ['https://docs.example.com/home/getting-started', 'src/home/Header.tsx', 'pages/Users/list.vue', '~/projects/home/x']) {
      expect(scrubText(text), text).toBe(text);
    }
  });

  it('keeps the name of CI and role accounts', () => {
    for (const text of ['/home/runner/work/acme/acme/src/x.ts', '/home/circleci/project', '/Users/runner/work/app', '/home/vsts/work/1/s', '/github/home/.cache/x', 'C:\\Users\\runneradmin\\AppData\\Local\\Temp', '/home/linuxbrew/.linuxbrew/bin']) {
      expect(scrubText(text), text).toBe(text);
    }
  });
});

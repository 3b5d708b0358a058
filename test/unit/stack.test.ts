import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePaths } from '../../src/privacy/local-paths.js';
import { scrubStack } from '../../src/privacy/stack.js';

const PATHS = compilePaths({ home: '/home/jane', userName: 'jane', cwd: '/home/jane/work', appRoot: '/home/jane/work/acme' });

const STACK = [
  'DeployError: cannot read /home/jane/.aws/credentials',
  '    at loadConfig (/home/jane/work/acme/dist/config.js:12:9)',
  '    at async Command.deploy [as action] (file:///home/jane/work/acme/dist/commands/deploy.mjs:40:5)',
  '    at /home/jane/work/acme/dist/cli.js:3:1',
  '    at Command.parseAsync (/home/jane/work/acme/node_modules/commander/lib/command.js:1092:16)',
  '    at run (/home/jane/.nvm/versions/node/v20.11.1/lib/node_modules/@acme/plugin/index.js:7:3)',
  '    at helper (/home/jane/scratch/other-project/x.js:1:1)',
  '    at Module._compile (node:internal/modules/cjs/loader:1358:14)',
  '    at eval (eval at <anonymous> (/home/jane/work/acme/dist/cli.js:1:1), <anonymous>:1:1)',
  '    at async Promise.all (index 0)',
  '    at new Worker (native)',
].join('\n');

describe('scrubStack', () => {
  it("keeps frames in the app's package relative to it, and node_modules frames from node_modules/", () => {
    expect(scrubStack(STACK, PATHS)).toBe(
      [
        '    at loadConfig (dist/config.js:12:9)',
        '    at async Command.deploy [as action] (dist/commands/deploy.mjs:40:5)',
        '    at dist/cli.js:3:1',
        '    at Command.parseAsync (node_modules/commander/lib/command.js:1092:16)',
        '    at run (node_modules/@acme/plugin/index.js:7:3)',
      ].join('\n'),
    );
  });

  it('drops the message line, frames elsewhere on the machine, Node internals and eval frames', () => {
    const scrubbed = scrubStack(STACK, PATHS) ?? '';
    expect(scrubbed).not.toContain('/home/jane');
    expect(scrubbed).not.toContain('credentials');
    expect(scrubbed).not.toContain('scratch');
    expect(scrubbed).not.toContain('node:internal');
    expect(scrubbed).not.toContain('eval');
  });

  it('understands Windows paths and file URLs', () => {
    const windows = compilePaths({ home: 'C:\\Users\\Jane', appRoot: 'C:\\Users\\Jane\\acme' });
    const stack = [
      'Error: x',
      '    at main (C:\\Users\\Jane\\acme\\src\\main.js:5:3)',
      '    at load (file:///C:/Users/Jane/acme/src/load.mjs:8:1)',
      '    at c:\\users\\jane\\acme\\src\\lower.js:1:2',
      '    at dep (C:\\Users\\Jane\\acme\\node_modules\\yargs\\index.cjs:2:2)',
      '    at other (D:\\elsewhere\\x.js:1:1)',
    ].join('\n');
    expect(scrubStack(stack, windows)).toBe(
      ['    at main (src/main.js:5:3)', '    at load (src/load.mjs:8:1)', '    at src/lower.js:1:2', '    at dep (node_modules/yargs/index.cjs:2:2)'].join('\n'),
    );
  });

  it('without an app root keeps only node_modules frames; with none left, gives undefined', () => {
    expect(scrubStack(STACK, compilePaths({}))).toBe(
      ['    at Command.parseAsync (node_modules/commander/lib/command.js:1092:16)', '    at run (node_modules/@acme/plugin/index.js:7:3)'].join('\n'),
    );
    expect(scrubStack('Error: only a message\n    at node:internal/x:1:1', PATHS)).toBeUndefined();
  });

  it('scrubs secrets from what it keeps, and never climbs out of the app root', () => {
    const stack = ['Error', '    at ghp_0123456789abcdefghijABCDEFGHIJ012345 (/home/jane/work/acme/x.js:1:1)', '    at f (/home/jane/work/acme/../../.ssh/id_rsa.js:1:1)'].join('\n');
    expect(scrubStack(stack, PATHS)).toBe('    at [redacted:github-token] (x.js:1:1)');
  });

  it('keeps at most 50 frames and reads a bounded part of a huge stack', () => {
    const frame = '    at f (/home/jane/work/acme/x.js:1:1)';
    const scrubbed = scrubStack(`Error\n${`${frame}\n`.repeat(10_000)}`, PATHS) ?? '';
    expect(scrubbed.split('\n')).toHaveLength(50);
  });

  it('never throws and never returns an absolute path, whatever it is given', () => {
    const line = fc.oneof(
      fc.string(),
      fc.constantFrom('    at f (/home/jane/work/acme/a.js:1:2)', '    at (/etc/passwd:1:1)', '    at x (C:\\Users\\jane\\y.js:1:1)', '    at :1:1', '    at a (::)', 'at '),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const scrubbed = scrubStack(lines.join('\n'), PATHS);
        if (scrubbed === undefined) return;
        for (const kept of scrubbed.split('\n')) expect(kept).not.toMatch(/\((?:\/|[A-Za-z]:\\)|at (?:\/|[A-Za-z]:\\)/);
      }),
    );
  });
});

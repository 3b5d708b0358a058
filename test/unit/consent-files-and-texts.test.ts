/**
 * What the consent files say when read back (damage counts as "no"), how
 * they are written, where they live, and the words of the first-run notice
 * and the prompt.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { devNull, homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/files/atomic-file.js';
import { readNoticeShownVersion, writeNoticeShown } from '../../src/consent/notice-file.js';
import type { NoticeContent } from '../../src/consent/notice.js';
import { noticeText, promptText } from '../../src/consent/notice.js';
import { projectFileName, unusableConfigDir, userConfigDir, userFiles } from '../../src/files/user-files.js';
import { readProjectFile, writeProjectFile } from '../../src/consent/project-file.js';
import type { ConsentInputs } from '../../src/consent/resolve.js';
import { resolveConsent } from '../../src/consent/resolve.js';
import { readConsentFile } from '../../src/consent/user-file.js';
import { tempDir } from '../support/child.js';

function fileWith(text: string, name = 'telemetry.json'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

describe('the user file', () => {
  it('an answer without a boolean "enabled" is damage, and says so', () => {
    expect(readConsentFile(fileWith('{"enabled":"yes"}'))).toStrictEqual({ kind: 'unreadable', reason: 'no boolean "enabled" field' });
  });

  it('an answer keeps the consent version it was given for, when the file has one', () => {
    expect(readConsentFile(fileWith('{"enabled":true}'))).toStrictEqual({ kind: 'answer', enabled: true });
    expect(readConsentFile(fileWith('{"enabled":false,"version":2}'))).toStrictEqual({ kind: 'answer', enabled: false, version: '2' });
    expect(readConsentFile(fileWith('{"enabled":true,"version":" 2 "}'))).toStrictEqual({ kind: 'answer', enabled: true, version: '2' });
    expect(readConsentFile(fileWith('{"enabled":true,"version":"  "}'))).toStrictEqual({ kind: 'answer', enabled: true });
  });

  it('a directory where the file should be is unreadable, and says what it is', () => {
    const path = join(tempDir(), 'telemetry.json');
    mkdirSync(path);
    expect(readConsentFile(path)).toStrictEqual({ kind: 'unreadable', reason: 'not a regular file (a directory)' });
  });
});

describe('the notice record', () => {
  it('holds the consent version whose notice was shown, and when', () => {
    const path = join(tempDir(), 'acme', 'telemetry-notice.json');
    writeNoticeShown(path, '2');
    const record = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(record['shownVersion']).toBe('2');
    expect(new Date(String(record['shownAt'])).getTime()).not.toBeNaN();
    expect(readNoticeShownVersion(path)).toBe('2');
  });

  it('a damaged record, or one without a version, means the notice was not shown', () => {
    expect(readNoticeShownVersion(fileWith('{', 'n.json'))).toBeUndefined();
    expect(readNoticeShownVersion(fileWith('{"shownAt":"x"}', 'n.json'))).toBeUndefined();
    expect(readNoticeShownVersion(fileWith('{"shownVersion":3}', 'n.json'))).toBe('3');
  });
});

describe('writing a file whole', () => {
  it('gets the mode asked for (0600 for private files)', () => {
    const path = join(tempDir(), 'private');
    writeFileAtomic(path, 'secret', 0o600);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('secret');
  });

  it('when the file cannot be put in place, the error comes back and no temp file is left behind', () => {
    const dir = tempDir();
    const target = join(dir, 'taken');
    mkdirSync(join(target, 'inside'), { recursive: true });
    expect(() => writeFileAtomic(target, 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('when the temp file was never made, the writing error itself comes back (not a failure to clean up)', () => {
    const dir = tempDir();
    expect(() => writeFileAtomic(join(dir, 'file'), 42 as unknown as string)).toThrow(TypeError);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('the project file', () => {
  it('a projectId is trimmed; a blank one counts as none', () => {
    expect(readProjectFile(fileWith('{"enabled":true,"projectId":"  p-1  "}', '.acme-telemetry.json'))).toStrictEqual({ kind: 'answer', enabled: true, projectId: 'p-1' });
    expect(readProjectFile(fileWith('{"enabled":true,"projectId":"   "}', '.acme-telemetry.json'))).toStrictEqual({ kind: 'answer', enabled: true });
  });

  it('JSON that is not an object (a number, a string, null, an array) is damage', () => {
    for (const text of ['5', '"enabled"', 'null', '[]']) {
      expect(readProjectFile(fileWith(text, '.acme-telemetry.json')), text).toStrictEqual({ kind: 'unreadable', reason: 'not a JSON object' });
    }
  });

  it('an "enabled" that is not true or false is damage, and says so', () => {
    expect(readProjectFile(fileWith('{"enabled":null}', '.acme-telemetry.json'))).toStrictEqual({ kind: 'unreadable', reason: '"enabled" is not true or false' });
  });

  it('a yes replaces a blank projectId with a random one', () => {
    const path = fileWith('{"projectId":"  "}', '.acme-telemetry.json');
    writeProjectFile(path, true);
    expect((JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)['projectId']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a corrupt project file is replaced by the answer', () => {
    const path = fileWith('{ not json', '.acme-telemetry.json');
    writeProjectFile(path, false);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toStrictEqual({ enabled: false });
  });
});

describe('where the files live', () => {
  it('$XDG_CONFIG_HOME/<app> when that is an absolute path, else ~/.config/<app>', () => {
    expect(userConfigDir('Acme CLI', { XDG_CONFIG_HOME: '/xdg/config' })).toBe('/xdg/config/acme-cli');
    for (const xdg of [undefined, '', 'relative/config']) {
      expect(userConfigDir('acme', xdg === undefined ? {} : { XDG_CONFIG_HOME: xdg }), String(xdg)).toBe(join(homedir(), '.config', 'acme'));
    }
  });

  it('the user-scope files and the project file are named after the app', () => {
    expect(userFiles('/c/acme')).toStrictEqual({
      dir: '/c/acme',
      consent: '/c/acme/telemetry.json',
      hashKey: '/c/acme/telemetry-key',
      installId: '/c/acme/telemetry-id',
      notice: '/c/acme/telemetry-notice.json',
      pendingDir: '/c/acme/telemetry-pending',
    });
    expect(projectFileName('Acme CLI')).toBe('.acme-cli-telemetry.json');
  });

  it('without a home directory, the user files go where nothing can be read or written', () => {
    const dir = unusableConfigDir('Acme CLI');
    expect(dir).toBe(join(devNull, 'acme-cli'));
    const files = userFiles(dir);
    expect(readConsentFile(files.consent)).toMatchObject({ kind: 'absent' });
    expect(() => writeFileAtomic(files.consent, '{}')).toThrow(/ENOTDIR|EEXIST|ENOENT/);
  });

  it('given a function, works the directory out once, when a path is first asked for', () => {
    let calls = 0;
    const files = userFiles(() => {
      calls++;
      return '/c/acme';
    });
    expect(calls).toBe(0);
    expect(files.consent).toBe('/c/acme/telemetry.json');
    expect(files.pendingDir).toBe('/c/acme/telemetry-pending');
    expect({ ...files }).toEqual({ ...userFiles('/c/acme') });
    expect(calls).toBe(1);
  });
});

describe('the words of the notice and the prompt', () => {
  const content: NoticeContent = {
    appName: 'acme',
    envPrefix: 'ACME',
    keys: [
      { key: 'cli.command', hashed: false },
      { key: 'build.target', hashed: false },
      { key: 'project.name', hashed: true },
    ],
    installId: true,
    flag: true,
    disableCommand: 'acme telemetry disable',
    docs: 'https://acme.example/telemetry',
  };

  it('the first-run notice is the one the README shows', () => {
    expect(noticeText(content)).toBe(
      'acme collects usage data: which commands run, how they end and how long they take; the acme version, your OS and Node.js versions; the kind of machine it runs on (CPU count, container, cloud); a random install id; and these details: cli.command, build.target, project.name (hashed).\n' +
        'Nothing was sent this time; sending starts with the next run.\n' +
        'To turn it off for good, run `acme telemetry disable`, or set ACME_TELEMETRY_DISABLED=1 (or DO_NOT_TRACK=1) in your environment. ' +
        '--disable-telemetry turns it off for one run only.\n' +
        'Details: https://acme.example/telemetry\n',
    );
  });

  it("carries the app's stated purpose and retention, and leaves out what it didn't state", () => {
    const withPolicy = { ...content, policy: { purpose: 'to fix the commands that fail', retention: '90 days.' } };
    expect(noticeText(withPolicy)).toContain('\nWhy: to fix the commands that fail. Kept: 90 days.\nNothing was sent this time');
    expect(noticeText({ ...content, policy: { retention: '90 days' } })).toContain('\nKept: 90 days.\nNothing was sent this time');
    expect(noticeText({ ...content, policy: {} })).toBe(noticeText(content));
  });

  it('says the flag is for one run only, and names a lasting way first', () => {
    const text = noticeText(content);
    expect(text).toMatch(/To turn it off for good, run `acme telemetry disable`/);
    expect(text).toMatch(/--disable-telemetry turns it off for one run only\./);
    expect(text.indexOf('for good')).toBeLessThan(text.indexOf('--disable-telemetry'));
  });

  it('names only the ways to say no that this app offers, and no install id when it sends none', () => {
    const bare: NoticeContent = { appName: 'tool', envPrefix: 'TOOL', keys: [], installId: false, flag: false };
    expect(noticeText(bare)).toBe(
      'tool collects usage data: which commands run, how they end and how long they take; the tool version, your OS and Node.js versions; the kind of machine it runs on (CPU count, container, cloud).\n' +
        'Nothing was sent this time; sending starts with the next run.\n' +
        'To turn it off for good, set TOOL_TELEMETRY_DISABLED=1 (or DO_NOT_TRACK=1) in your environment.\n',
    );
    expect(noticeText({ ...bare, flag: true })).toContain(
      'To turn it off for good, set TOOL_TELEMETRY_DISABLED=1 (or DO_NOT_TRACK=1) in your environment. --disable-telemetry turns it off for one run only.\n',
    );
    expect(noticeText({ ...bare, context: false })).not.toContain('kind of machine');
  });

  it('the prompt says what is collected, where to read more, and asks y/N', () => {
    expect(promptText(content)).toBe(
      'acme collects usage data: which commands run, how they end and how long they take; the acme version, your OS and Node.js versions; the kind of machine it runs on (CPU count, container, cloud); a random install id; and these details: cli.command, build.target, project.name (hashed). Details: https://acme.example/telemetry\nAllow acme to send usage data? [y/N] ',
    );
    const { docs: _docs, ...withoutDocs } = content;
    expect(promptText(withoutDocs)).toMatch(/\(hashed\)\.\nAllow acme to send usage data\? \[y\/N\] $/);
  });
});

describe('how sources are listed and weighed', () => {
  const inputs = (overrides: Partial<ConsentInputs> = {}): ConsentInputs => ({
    mode: 'opt-out',
    envPrefix: 'ACME',
    env: {},
    codeEnabled: undefined,
    flagDisabled: false,
    userFilePath: '/c/acme/telemetry.json',
    userFile: { kind: 'answer', enabled: true },
    noticeShownVersion: () => '1',
    ...overrides,
  });

  it('a corrupt project file counts as no, even when the user said yes', () => {
    const status = resolveConsent(inputs({ projectFiles: [{ path: '/r/.acme-telemetry.json', verdict: { kind: 'unreadable', reason: 'not valid JSON' } }] }));
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toBe('project file /r/.acme-telemetry.json (unreadable: not valid JSON; counted as no)');
  });

  it('a project file without an answer is listed with no opinion', () => {
    const { sources } = resolveConsent(inputs({ projectFiles: [{ path: '/r/.acme-telemetry.json', verdict: { kind: 'no-answer' } }] }));
    expect(sources).toContainEqual({ source: 'project file /r/.acme-telemetry.json', value: undefined, detail: 'no "enabled" field' });
  });

  it('without a project file name, the source is still listed', () => {
    expect(resolveConsent(inputs()).sources).toContainEqual({ source: 'project file', value: undefined, detail: 'none found from the working directory up to the repository root' });
  });

  it('outside CI the CI source says "not detected"; in CI with consent.ci "on" it says CI is allowed', () => {
    const outside = resolveConsent(inputs());
    expect(outside.ci).toStrictEqual({ detected: false, policy: 'off' });
    expect(outside.sources).toContainEqual({ source: 'CI: not detected', value: undefined });
    const allowed = resolveConsent(inputs({ ci: () => ({ detected: true, vendor: 'GitHub Actions' }), ciPolicy: 'on' }));
    expect(allowed.sources).toContainEqual({ source: "CI (GitHub Actions): the app allows telemetry in CI (consent.ci: 'on')", value: undefined });
  });

  it("in opt-in mode, a yes in CI is still off unless the app allows CI", () => {
    const optInYes = inputs({ mode: 'opt-in', ci: () => ({ detected: true }) });
    const status = resolveConsent(optInYes);
    expect(status.enabled).toBe(false);
    expect(status.decidedBy).toBe("CI (detected): the app keeps telemetry off in CI (consent.ci: 'off')");
    expect(resolveConsent({ ...optInYes, ciPolicy: 'on' }).enabled).toBe(true);
  });

  it('the run that shows the notice says so in words, also when no notice record could be read', () => {
    const { noticeShownVersion: _reader, ...withoutReader } = inputs({ userFile: { kind: 'absent' } });
    expect(resolveConsent(withoutReader)).toMatchObject({
      enabled: false,
      notice: 'this-run',
      decidedBy: 'first-run notice (consent version 1): the run that shows it sends nothing; sending starts with the next run',
    });
  });

  it('lists unset variables, an absent user file and an unchecked CI plainly', () => {
    const { sources } = resolveConsent(inputs({ userFile: { kind: 'absent' } }));
    expect(sources).toContainEqual({ source: 'env DO_NOT_TRACK', value: undefined });
    expect(sources).toContainEqual({ source: 'env ACME_TELEMETRY_DISABLED', value: undefined });
    expect(sources).toContainEqual({ source: 'user file /c/acme/telemetry.json', value: undefined, detail: 'absent' });
    const off = resolveConsent(inputs({ env: { DO_NOT_TRACK: '1' } }));
    expect(off.sources).toContainEqual({ source: 'CI: not checked', value: undefined, detail: 'another source keeps telemetry off' });
  });

  it('OTEL_SDK_DISABLED is read without regard to case or surrounding blanks', () => {
    for (const value of ['TRUE', ' true ', 'True']) expect(resolveConsent(inputs({ env: { OTEL_SDK_DISABLED: value } })).enabled, value).toBe(false);
  });
});

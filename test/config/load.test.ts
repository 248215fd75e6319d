import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.js';
import { channelSchemas } from '../../src/alerts/channels/index.js';

const env = { CAM1_PASSWORD: 's3cret-one', CAM2_PASSWORD: 's3cret-two', CAM_TP_DIEUTRI_01_PASSWORD: 'x1y2z3', CAM_TP_CHO_01_PASSWORD: 'x1y2z3', CAM_TPD_LIENXA_01_PASSWORD: 'x1y2z3', CAM_TPT_TRUONG_01_PASSWORD: 'x1y2z3', CAM_TPB_HGD_01_PASSWORD: 'x1y2z3' };
const minimal = readFileSync('test/fixtures/config/minimal.yaml', 'utf8');

function issuesOf(text: string, environment: NodeJS.ProcessEnv = env) {
  try {
    parseConfig(text, 'bad.yaml', environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('config', () => {
  it('accepts the shipped example and demo configs, as the commands load them (with the alert channels)', () => {
    const example = loadConfig('config/example.yaml', env, { channels: channelSchemas() });
    expect(example.units.get('phuoc-hoa')?.lineage).toEqual(['gia-lai', 'tuy-phuoc-dong', 'phuoc-hoa']);
    expect(example.units.get('tuy-phuoc')?.code).toBe('21952');
    expect(example.raw.cameras.length).toBeGreaterThan(3);
    expect(loadConfig('config/demo.yaml', { CAMWATCH_DEMO_PASSWORD: 'pw123' }, { channels: channelSchemas() }).raw.cameras).toHaveLength(6);
  });

  it('places the 13 former units of huyện Tuy Phước under the four new communes', () => {
    const config = loadConfig('config/example.yaml', env);
    const areas = [...config.units.values()].filter((unit) => unit.kind === 'area');
    expect(areas).toHaveLength(13);
    const byCommune = (id: string) => areas.filter((a) => a.parentId === id).map((a) => a.id).sort();
    expect(byCommune('tuy-phuoc')).toEqual(['phuoc-loc', 'phuoc-nghia', 'phuoc-thuan', 'tt-dieu-tri', 'tt-tuy-phuoc']);
    expect(byCommune('tuy-phuoc-dong')).toEqual(['phuoc-hoa', 'phuoc-son', 'phuoc-thang']);
    expect(byCommune('tuy-phuoc-tay')).toEqual(['phuoc-an', 'phuoc-thanh']);
    expect(byCommune('tuy-phuoc-bac')).toEqual(['phuoc-hiep', 'phuoc-hung', 'phuoc-quang']);
  });

  it('applies defaults and keeps passwords out of the config object', () => {
    const config = parseConfig(minimal, 'minimal.yaml', env);
    expect(config.raw.probe.image_interval_s).toBe(60);
    expect(config.raw.cameras[0]?.onvif.port).toBe(80);
    expect(config.secrets.get('cam-1')).toBe('s3cret-one');
    expect(JSON.stringify(config.raw)).not.toContain('s3cret');
  });

  it('reads who issues, signs and receives printed reports, and says how to fix each mistake', () => {
    const example = loadConfig('config/example.yaml', env);
    expect(example.raw.server?.report).toMatchObject({ issuer: 'CÔNG AN XÃ TUY PHƯỚC ĐÔNG', issuer_abbreviation: 'CAX', signer: { title: 'TRƯỞNG CÔNG AN XÃ', name: 'Nguyễn Văn An' } });
    const report = (section: string) => `${minimal}\nserver:\n  report:\n${section}`;
    const issues = issuesOf(
      report(
        [
          '    issuer: Công an xã Tuy Phước Đông',
          '    issuer_abbreviation: ca-x',
          '    signer: { title: TRƯỞNG CÔNG AN XÃ, on_behalf: { mode: KT, of: TRƯỞNG CÔNG AN XÃ } }',
          '    recipients: [""]',
        ].join('\n'),
      ),
    );
    const byPath = new Map(issues.map((issue) => [issue.path, issue]));
    expect([...byPath.keys()].sort()).toEqual(['server.report.issuer', 'server.report.issuer_abbreviation', 'server.report.recipients[0]', 'server.report.signer.name', 'server.report.signer.on_behalf.mode']);
    expect(byPath.get('server.report.issuer')).toMatchObject({ file: 'bad.yaml', text: { en: expect.stringContaining('in capitals as on the document, e.g. "CÔNG AN XÃ TUY PHƯỚC ĐÔNG"'), vi: expect.stringContaining('chữ in hoa như trên văn bản, ví dụ "CÔNG AN XÃ TUY PHƯỚC ĐÔNG"') } });
    expect(byPath.get('server.report.issuer')?.line).toBeGreaterThan(minimal.split('\n').length);
    expect(byPath.get('server.report.issuer_abbreviation')?.text.en).toContain('e.g. CAX');
    expect(byPath.get('server.report.signer.on_behalf.mode')?.text.en).toContain('KT. TM. TL. TUQ. Q.');
    expect(byPath.get('server.report.signer.name')?.text.en).toContain('required');
  });

  it('names the file, line, field path and problem for a wrong type', () => {
    const issues = issuesOf(minimal.replace('port: 8000', 'port: 99999'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'bad.yaml', line: 22, path: 'cameras[1].onvif.port' });
    expect(issues[0]?.text.en).toMatch(/65535/);
  });

  it('reports every problem at once, including references and missing secrets', () => {
    const text = minimal.replace('unit: tuy-phuoc-dong', 'unit: phuoc-xyz').replace('contractor: vnpt', 'contractor: nobody');
    const issues = issuesOf(text, { CAM1_PASSWORD: 'only-one' });
    const paths = issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['cameras[0].contractor', 'cameras[1].unit', 'cameras[1].onvif.password_env']));
    expect(issues.find((i) => i.path === 'cameras[1].onvif.password_env')?.text.en).toContain('CAM2_PASSWORD');
    expect(issues.find((i) => i.path === 'cameras[1].unit')?.line).toBe(21);
  });

  it('rejects unknown fields, duplicate ids and credentials inside URLs', () => {
    const typo = issuesOf(minimal.replace('tags: [black_spot]', 'tagz: [black_spot]'));
    expect(typo[0]?.text.en).toMatch(/unknown field.*tagz/);
    const dup = issuesOf(minimal.replace('id: cam-2', 'id: cam-1'));
    expect(dup[0]).toMatchObject({ path: 'cameras[1].id' });
    const creds = issuesOf(minimal.replace('tags: [black_spot]', 'rtsp_url: rtsp://admin:pw@10.0.0.2/live'));
    expect(creds[0]?.text.en).toMatch(/must not contain user:password/);
  });

  it('points at the line of a YAML syntax error and at a missing file', () => {
    const syntax = issuesOf(minimal.replace('name: VNPT }', 'name: VNPT'));
    expect(syntax[0]?.text.en).toMatch(/YAML syntax/);
    expect(syntax[0]?.line).toBeGreaterThan(0);
    expect(() => loadConfig('does/not/exist.yaml')).toThrow(/does\/not\/exist.yaml.*file not found/);
  });

  it('rejects a time zone that does not exist or is not a whole number of hours from UTC', () => {
    expect(issuesOf(minimal.replace('version: 1', 'version: 1\ntimezone: Asia/Hanoi'))[0]).toMatchObject({ path: 'timezone', line: 2 });
    expect(issuesOf(minimal.replace('version: 1', 'version: 1\ntimezone: Asia/Kolkata'))[0]?.text.en).toMatch(/whole-hour/);
    expect(parseConfig(minimal.replace('version: 1', 'version: 1\ntimezone: Asia/Bangkok'), 'ok.yaml', env).raw.timezone).toBe('Asia/Bangkok');
  });

  it('takes the image analysis threads, 0 for the main thread, and says how to fix a wrong count', () => {
    const threads = (n: string) => minimal.replace('version: 1', `version: 1\nquality: { analysis_threads: ${n} }`);
    expect(parseConfig(minimal, 'ok.yaml', env).raw.quality.analysis_threads).toBeUndefined();
    expect(parseConfig(threads('0'), 'ok.yaml', env).raw.quality.analysis_threads).toBe(0);
    expect(issuesOf(threads('-1'))[0]).toMatchObject({ path: 'quality.analysis_threads', line: 2, text: { en: expect.stringMatching(/main thread/), vi: expect.stringMatching(/luồng chính/) } });
    expect(issuesOf(threads('1.5'))[0]?.path).toBe('quality.analysis_threads');
    expect(issuesOf(threads('65'))[0]?.text.en).toMatch(/at most 64; leave it out/);
  });

  it('reports a missing required field at its parent', () => {
    const issues = issuesOf(minimal.replace('    name: Chợ\n', ''));
    expect(issues[0]).toMatchObject({ path: 'cameras[1].name', line: 19 });
    expect(issues[0]?.text.en).toMatch(/required/);
  });

  it("puts zod's findings in the catalogue's words in both languages, with no English type name in the Vietnamese", () => {
    const textAt = (text: string, at: string) => issuesOf(text).find((issue) => issue.path === at)?.text;
    expect(textAt(minimal.replace('port: 8000', 'port: 80.5'), 'cameras[1].onvif.port')).toEqual({ vi: 'phải là một số nguyên, ở đây lại là số thập phân', en: 'must be a whole number, not a decimal number' });
    expect(textAt(minimal.replace('tags: [black_spot]', 'tags: black_spot'), 'cameras[1].tags')).toEqual({ vi: 'phải là một danh sách, ở đây lại là chữ', en: 'must be a list, not text' });
    expect(textAt(minimal.replace('kind: commune }', 'kind: huyen }'), 'units[0].children[0].kind')?.vi).toMatch(/^phải là một trong: province, city, district, commune/);
    expect(textAt(minimal.replace('name: VNPT', 'name: ""'), 'contractors[0].name')).toEqual({ vi: 'không được để trống', en: 'must not be empty' });
    expect(textAt(minimal.replace('    name: Chợ\n', ''), 'cameras[1].name')).toEqual({ vi: 'bắt buộc phải có (chữ)', en: 'is required (text)' });
  });

  it('tells a wrong type from a missing field when the value comes through a YAML alias', () => {
    // The second camera's onvif section is an alias of the first's. The YAML document's own
    // lookup (`getIn`) stops at an alias; the value zod refused, which it keeps, does not.
    const aliased = minimal
      .replace('onvif: { host: 10.0.0.1, password_env: CAM1_PASSWORD }', 'onvif: &onvif { host: 10.0.0.1, port: many, password_env: CAM1_PASSWORD }')
      .replace('onvif: { host: 10.0.0.2, port: 8000, password_env: CAM2_PASSWORD }', 'onvif: *onvif');
    const issues = issuesOf(aliased);
    expect(issues.map((issue) => issue.path)).toEqual(['cameras[0].onvif.port', 'cameras[1].onvif.port']);
    for (const issue of issues) {
      expect(issue.text.en).not.toMatch(/required/);
      expect(issue.text.vi).not.toMatch(/bắt buộc/);
    }
  });
});

describe('the database section', () => {
  const withDatabase = (database: string) => minimal.replace('database: { path: ./test.db }', `database: ${database}`);
  it('defaults to the SQLite file, and takes a PostgreSQL URL without its password', () => {
    expect(parseConfig(minimal, 'ok.yaml', env).raw.database).toEqual({ engine: 'sqlite', path: './test.db' });
    const pg = parseConfig(withDatabase('{ engine: postgres, url: "postgres://camwatch@db.gialai.vn:5432/camwatch" }'), 'ok.yaml', env);
    expect(pg.raw.database.url).toBe('postgres://camwatch@db.gialai.vn:5432/camwatch');
  });

  it('names the field and the fix for a bad URL, and never repeats a password written into one', () => {
    const bad = (database: string) => issuesOf(withDatabase(database)).map((i) => `${i.path}: ${i.text.en}`);
    expect(bad('{ engine: postgres }')).toEqual([expect.stringMatching(/^database\.url: is required with engine: postgres, e\.g\. url: postgres:\/\//)]);
    expect(bad('{ engine: postgres, url: "mysql://db/camwatch" }')).toEqual([expect.stringMatching(/^database\.url: must start with postgres:\/\/ \(not mysql:\/\/\)/)]);
    expect(bad('{ engine: postgres, url: "postgres://db.gialai.vn" }')).toEqual([expect.stringMatching(/^database\.url: must name the database/)]);
    const withPassword = bad('{ engine: postgres, url: "postgres://camwatch:Hunter2-secret@db/camwatch" }');
    expect(withPassword).toEqual([expect.stringMatching(/^database\.url: must not hold a password: .*PGPASSWORD/)]);
    expect(withPassword.join('\n')).not.toContain('Hunter2-secret');
  });
});

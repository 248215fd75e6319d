/**
 * `camwatch discover`: probes the LAN for ONVIF cameras (WS-Discovery) and lists those the config
 * does not have yet, each with the `cameras:` entry to add. Readable in the reader's language, or
 * JSON for scripts.
 */
import type { Config } from '../config/load.js';
import { formatNumber, translator, type Catalogue, type Locale } from '../i18n/index.js';
import { compareWithInventory, deviceLabel, discoveryJson, type DiscoveryReport } from '../inventory/discovered.js';
import { discover, DISCOVERY_TIMEOUT_S } from '../probe/discovery.js';
import type { CommandResult } from './ack-command.js';

export const discoverMessages = {
  vi: {
    badTimeout: '--timeout phải là số giây từ {min} đến {max}, ví dụ --timeout 5.',
    badUnit: 'Không có đơn vị "{unit}" trong cấu hình.',
    badInterface: '--interface phải là một địa chỉ IPv4 của máy này, ví dụ 192.168.1.10.',
    probeFailed: 'Không gửi được gói dò tìm ONVIF trên mạng nội bộ: {reason}',
    summary: 'Đã dò tìm trong {seconds} giây: {found} thiết bị ONVIF trả lời, {known} đã có trong cấu hình, {fresh} thiết bị mới.',
    nothingNew: 'Không có thiết bị mới nào ngoài các camera đã khai báo.',
    ignored: 'Đã bỏ qua {ignored} gói trả lời không đọc được hoặc không đúng yêu cầu dò tìm.',
    truncated: 'Có quá nhiều thiết bị trả lời: chỉ liệt kê {max} thiết bị đầu tiên.',
    device: '• {label} — {address}',
    unknownDevice: 'thiết bị chưa rõ hãng, loại',
    addresses: '  Địa chỉ dịch vụ ONVIF: {addresses}',
    snippetHead: '  Thêm vào mục cameras: của tệp cấu hình (đặt mật khẩu camera vào biến môi trường {env}, sửa dòng unit: nếu camera thuộc đơn vị khác):',
  },
  en: {
    badTimeout: '--timeout must be a number of seconds from {min} to {max}, e.g. --timeout 5.',
    badUnit: 'There is no unit "{unit}" in the config.',
    badInterface: '--interface must be an IPv4 address of this machine, e.g. 192.168.1.10.',
    probeFailed: 'Could not send the ONVIF discovery probe on the local network: {reason}',
    summary: 'Probed for {seconds} s: {found} ONVIF devices answered, {known} already in the config, {fresh} new.',
    nothingNew: 'No new device besides the cameras already configured.',
    ignored: 'Ignored {ignored} replies that were unreadable or not answers to this probe.',
    truncated: 'Too many devices answered: only the first {max} are listed.',
    device: '• {label} — {address}',
    unknownDevice: 'device of unknown make and model',
    addresses: '  ONVIF service addresses: {addresses}',
    snippetHead: '  Add to the cameras: list of the config (put the camera password in the environment variable {env}; change unit if the camera belongs elsewhere):',
  },
} satisfies Catalogue<Record<string, string>>;

export interface DiscoverOptions {
  timeoutS: number;
  unit?: string | undefined;
  interfaceAddress?: string | undefined;
  json: boolean;
  locale: Locale;
}

/** "1,5" (vi) or "1.5" (en): whole seconds without a decimal. */
const formatSeconds = (seconds: number, locale: Locale) => formatNumber(seconds, locale, Number.isInteger(seconds) ? 0 : 1);

export function describeDiscovery(report: DiscoveryReport, seconds: number, locale: Locale): string[] {
  const t = translator(discoverMessages, locale);
  const lines = [t('summary', { seconds: formatSeconds(seconds, locale), found: report.known.length + report.newDevices.length, known: report.known.length, fresh: report.newDevices.length })];
  if (report.newDevices.length === 0) lines.push(t('nothingNew'));
  for (const { device, host, port, entry, snippet } of report.newDevices) {
    const label = deviceLabel(device) || t('unknownDevice');
    lines.push('', t('device', { label, address: `${host}:${port}` }), t('addresses', { addresses: device.addresses.join(' ') }), t('snippetHead', { env: entry.onvif.password_env }));
    lines.push(...snippet.trimEnd().split('\n').map((line) => '    ' + line));
  }
  if (report.ignored > 0) lines.push('', t('ignored', { ignored: report.ignored }));
  if (report.truncated) lines.push(t('truncated', { max: report.newDevices.length + report.known.length }));
  return lines;
}

export async function runDiscoverCommand(config: Config, options: DiscoverOptions): Promise<CommandResult & { stdout?: string }> {
  const t = translator(discoverMessages, options.locale);
  const { min, max } = DISCOVERY_TIMEOUT_S;
  if (!(options.timeoutS >= min && options.timeoutS <= max)) return { ok: false, exitCode: 2, lines: [t('badTimeout', { min: formatSeconds(min, options.locale), max })] };
  if (options.unit !== undefined && !config.units.has(options.unit)) return { ok: false, exitCode: 2, lines: [t('badUnit', { unit: options.unit })] };
  if (options.interfaceAddress !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(options.interfaceAddress)) return { ok: false, exitCode: 2, lines: [t('badInterface')] };
  let report: DiscoveryReport;
  try {
    report = compareWithInventory(config, await discover({ timeoutMs: options.timeoutS * 1000, interfaceAddress: options.interfaceAddress }), options.unit);
  } catch (error) {
    return { ok: false, exitCode: 1, lines: [t('probeFailed', { reason: error instanceof Error ? error.message : String(error) })] };
  }
  if (options.json) return { ok: true, exitCode: 0, lines: [], stdout: JSON.stringify(discoveryJson(report), null, 2) + '\n' };
  return { ok: true, exitCode: 0, lines: describeDiscovery(report, options.timeoutS, options.locale) };
}

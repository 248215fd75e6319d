/** What people are told about cameras and incidents, by the CLI and the HTTP API alike. */
import { translator, type Catalogue, type Locale } from '../i18n/index.js';

export const healthMessages = {
  vi: {
    unknownCamera: 'Không có camera "{id}" trong cấu hình. Các camera: {ids}',
    finding_blurred: 'mờ',
    finding_dark: 'quá tối',
    finding_overexposed: 'cháy sáng',
    finding_covered: 'bị che khuất',
    finding_partially_covered: 'bị che một phần',
    finding_frozen: 'hình đứng',
    finding_moved: 'lệch góc quay',
    finding_noisy: 'nhiễu hạt',
    finding_colour_cast: 'ám màu',
    finding_lighting_recommendation: 'cần chiếu sáng',
    finding_snapshot_stale: 'ảnh chụp không khớp luồng video',
    finding_degrading: 'đang xuống cấp',
    kind_offline: 'camera mất kết nối',
    kind_stream_down: 'camera mất luồng video',
    kind_auth_failed: 'sai mật khẩu camera',
    kind_power_or_network: 'nhiều camera mất kết nối — nghi mất điện/mạng khu vực',
    kind_server_network: 'nhiều camera mất kết nối — nghi đường truyền của máy chủ',
    kind_image: 'hình ảnh {finding}',
    kind_area_image: 'hình ảnh kém cả khu vực: {finding}',
    acked: 'Đã tiếp nhận sự cố #{id} ({kind}) — {by}. Ngừng nhắc lại và chuyển cấp; sự cố vẫn được theo dõi đến khi camera hoạt động lại.',
    alreadyAcked: 'Sự cố #{id} đã được tiếp nhận trước đó bởi {by}.',
    resolved: 'Đã đóng sự cố #{id} ({kind}) — {by}.',
    alreadyResolved: 'Sự cố #{id} đã đóng trước đó ({by}).',
  },
  en: {
    unknownCamera: 'No camera "{id}" in the config. Cameras: {ids}',
    finding_blurred: 'blurred',
    finding_dark: 'too dark',
    finding_overexposed: 'overexposed',
    finding_covered: 'covered',
    finding_partially_covered: 'partly covered',
    finding_frozen: 'frozen',
    finding_moved: 'moved',
    finding_noisy: 'noisy',
    finding_colour_cast: 'colour cast',
    finding_lighting_recommendation: 'needs lighting',
    finding_snapshot_stale: 'snapshot does not match the video stream',
    finding_degrading: 'degrading',
    kind_offline: 'camera offline',
    kind_stream_down: 'camera video stream down',
    kind_auth_failed: 'wrong camera password',
    kind_power_or_network: 'several cameras offline — suspected area power/network outage',
    kind_server_network: "several cameras offline — suspected server network",
    kind_image: 'image {finding}',
    kind_area_image: 'poor images across the area: {finding}',
    acked: 'Incident #{id} ({kind}) acknowledged by {by}. Reminders and escalation stop; the incident stays tracked until the camera recovers.',
    alreadyAcked: 'Incident #{id} was already acknowledged by {by}.',
    resolved: 'Incident #{id} ({kind}) resolved by {by}.',
    alreadyResolved: 'Incident #{id} was already resolved ({by}).',
  },
} satisfies Catalogue<Record<string, string>>;

/** A finding in words: "dark" → "quá tối"; an unknown kind is shown as it is. */
export function findingName(kind: string, locale: Locale): string {
  const words: Record<string, string> = healthMessages[locale];
  return words[`finding_${kind}`] ?? kind;
}

/** An incident kind in words: "offline" → "camera mất kết nối", "image:dark" → "hình ảnh quá tối". */
export function incidentKindName(kind: string, locale: Locale): string {
  const t = translator(healthMessages, locale);
  if (kind.startsWith('image:')) return t('kind_image', { finding: findingName(kind.slice('image:'.length), locale) });
  if (kind.startsWith('area_image_')) return t('kind_area_image', { finding: findingName(kind.slice('area_image_'.length), locale) });
  const words: Record<string, string> = healthMessages[locale];
  return words[`kind_${kind}`] ?? kind;
}

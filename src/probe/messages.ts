/**
 * What a probe's outcome means to a person: each failure kind as a sentence, what to do about it,
 * and each stage in words. The probe's own `detail` ("127.0.0.1:18306: ECONNREFUSED") stays
 * technical: it is shown to administrators only, under `technical` ("Chi tiết kỹ thuật").
 */
import { translator, type Catalogue, type Locale } from '../i18n/index.js';
import type { FailureKind, Stage } from './outcome.js';

const vi = {
  failure_unreachable: 'Không kết nối được tới camera',
  failure_timeout: 'Camera nhận kết nối nhưng không phản hồi',
  failure_auth_failed: 'Sai mật khẩu: camera từ chối đăng nhập của camwatch',
  failure_onvif_error: 'Camera trả lời ONVIF không đúng chuẩn',
  failure_no_stream: 'Không mở được luồng video',
  failure_no_frame: 'Luồng video mở được nhưng không có hình',
  failure_decode_error: 'Không giải mã được hình ảnh từ camera',
  failure_clock_drift: 'Đồng hồ của camera bị lệch giờ',
  failure_low_resolution: 'Độ phân giải thấp hơn mức tối thiểu',
  failure_snapshot_failed: 'Không lấy được ảnh chụp nhanh của camera',
  advice_unreachable: 'Kiểm tra nguồn điện, dây mạng/bộ phát 4G và địa chỉ IP của camera.',
  advice_timeout: 'Khởi động lại camera; nếu vẫn không phản hồi, báo nhà thầu.',
  advice_auth_failed: 'Mật khẩu trong cấu hình không khớp với camera: kiểm tra ai đã đổi mật khẩu rồi cập nhật cấu hình. camwatch tạm ngừng thử để camera không khóa tài khoản.',
  advice_onvif_error: 'Bật ONVIF trên camera hoặc cập nhật phần mềm (firmware) của camera.',
  advice_no_stream: 'Kiểm tra đường dẫn RTSP của luồng video trong cấu hình và trên camera.',
  advice_no_frame: 'Camera hoặc đầu ghi có thể bị treo: khởi động lại; nếu không được, báo nhà thầu.',
  advice_decode_error: 'Kiểm tra cấu hình mã hóa hình ảnh (H.264/H.265) của camera.',
  advice_clock_drift: 'Bật đồng bộ giờ tự động (NTP) trên camera.',
  advice_low_resolution: 'Chỉnh lại độ phân giải luồng chính của camera.',
  advice_snapshot_failed: 'Kiểm tra đường dẫn ảnh chụp nhanh (snapshot) trong cấu hình hoặc trên camera.',
  stage_reach: 'kết nối mạng tới camera',
  stage_onvif: 'đọc thông tin thiết bị qua ONVIF',
  stage_rtsp_reach: 'kết nối tới cổng video RTSP',
  stage_rtsp: 'mở luồng video RTSP',
  stage_snapshot: 'lấy ảnh chụp nhanh',
  failed_at: '{failure} (bước: {stage})',
  technical: 'Chi tiết kỹ thuật: {detail}',
};

export const probeMessages: Catalogue<typeof vi> = {
  vi,
  en: {
    failure_unreachable: 'The camera cannot be reached',
    failure_timeout: 'The camera accepts connections but does not answer',
    failure_auth_failed: "Wrong password: the camera refuses camwatch's login",
    failure_onvif_error: 'The camera gives a malformed ONVIF answer',
    failure_no_stream: 'The video stream cannot be opened',
    failure_no_frame: 'The video stream opens but carries no picture',
    failure_decode_error: "The camera's picture cannot be decoded",
    failure_clock_drift: "The camera's clock is off",
    failure_low_resolution: 'The resolution is below the minimum',
    failure_snapshot_failed: "The camera's snapshot does not answer",
    advice_unreachable: 'Check the power, the network cable or 4G router, and the camera IP address.',
    advice_timeout: 'Restart the camera; if it still does not answer, call the contractor.',
    advice_auth_failed: 'The password in the config does not match the camera: find out who changed it and update the config. camwatch pauses retries so the camera does not lock the account.',
    advice_onvif_error: 'Enable ONVIF on the camera or update its firmware.',
    advice_no_stream: "Check the video stream's RTSP path in the config and on the camera.",
    advice_no_frame: 'The camera or recorder may be stuck: restart it; if that fails, call the contractor.',
    advice_decode_error: "Check the camera's H.264/H.265 encoder settings.",
    advice_clock_drift: 'Enable time sync (NTP) on the camera.',
    advice_low_resolution: "Adjust the camera's main stream resolution.",
    advice_snapshot_failed: 'Check the snapshot URL in the config or on the camera.',
    stage_reach: 'network connection to the camera',
    stage_onvif: 'reading the device information over ONVIF',
    stage_rtsp_reach: 'connection to the RTSP video port',
    stage_rtsp: 'opening the RTSP video stream',
    stage_snapshot: 'taking a snapshot',
    failed_at: '{failure} (stage: {stage})',
    technical: 'Technical details: {detail}',
  },
};

/** A probe's outcome in words: what failed, at which stage, and what to do. */
export function describeFailure(failure: { kind: FailureKind; stage?: Stage | undefined }, locale: Locale): { text: string; advice: string } {
  const t = translator(probeMessages, locale);
  const what = t(`failure_${failure.kind}`);
  return { text: failure.stage ? t('failed_at', { failure: what, stage: t(`stage_${failure.stage}`) }) : what, advice: t(`advice_${failure.kind}`) };
}

/** "Chi tiết kỹ thuật: …": a probe's raw detail, for administrators. */
export function technicalDetail(detail: string, locale: Locale): string {
  return translator(probeMessages, locale)('technical', { detail });
}

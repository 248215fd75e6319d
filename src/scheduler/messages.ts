import type { Catalogue } from '../i18n/index.js';

/** What `camwatch doctor` says about the schedule. */
export const scheduleMessages = {
  vi: {
    scheduleNeed: 'Lịch kiểm tra: {cameras} camera cần khoảng {slots} lượt kiểm tra chạy cùng lúc (probe.concurrency = {concurrency}); địa chỉ nhiều camera nhất {host} có {hostCameras} camera, cần {hostSlots} (probe.per_host_concurrency = {perHost}).',
    scheduleDurations: '  Thời lượng một lần kiểm tra: ảnh {image} ms, luồng video {stream} ms, thông tin thiết bị {device} ms ({source}).',
    scheduleMeasured: 'trung vị của {checks} lần kiểm tra trong 24 giờ qua',
    scheduleAssumed: 'ước tính: chưa có lần kiểm tra nào trong 24 giờ qua',
    scheduleOk: '  ✔ Đủ để kiểm tra đúng lịch.',
    scheduleRaise: '  ✘ Không kịp lịch: tăng {setting} lên ít nhất {to}, hoặc giãn probe.image_interval_s.',
    scheduleRaiseBeyond: '  ✘ Không kịp lịch: cần {setting} = {to}, vượt mức tối đa {max}; giãn probe.image_interval_s hoặc chia camera qua nhiều địa chỉ.',
  },
  en: {
    scheduleNeed: 'Schedule: {cameras} cameras need about {slots} checks running at once (probe.concurrency = {concurrency}); the address with most cameras, {host}, has {hostCameras} and needs {hostSlots} (probe.per_host_concurrency = {perHost}).',
    scheduleDurations: '  Duration of one check: image {image} ms, stream {stream} ms, device information {device} ms ({source}).',
    scheduleMeasured: 'median of {checks} checks in the last 24 hours',
    scheduleAssumed: 'assumed: no check in the last 24 hours',
    scheduleOk: '  ✔ Enough to check on time.',
    scheduleRaise: '  ✘ Checks will start late: raise {setting} to at least {to}, or lengthen probe.image_interval_s.',
    scheduleRaiseBeyond: '  ✘ Checks will start late: {setting} would have to be {to}, above its maximum {max}; lengthen probe.image_interval_s or spread the cameras over more addresses.',
  },
} satisfies Catalogue<Record<string, string>>;

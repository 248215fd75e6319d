/** Vietnamese and English explanations of image-quality findings. */
import type { Catalogue } from '../i18n/index.js';

const vi = {
  blurred: 'Ảnh mờ: độ nét còn {percent}% so với bình thường',
  blurred_absolute: 'Ảnh mờ: gần như không còn chi tiết sắc nét',
  dark: 'Ảnh quá tối: độ sáng còn {percent}% so với bình thường',
  dark_absolute: 'Ảnh quá tối: độ sáng trung bình chỉ {value}/255',
  overexposed: 'Ảnh cháy sáng: {percent}% diện tích bị trắng xóa',
  covered: 'Camera bị che khuất: {percent}% khung hình không còn chi tiết',
  covered_partial: 'Camera bị che một phần: {percent}% khung hình bị một vật che phẳng',
  frozen: 'Hình ảnh bị đứng: khung hình không thay đổi so với lần chụp trước',
  snapshot_stale:
    'Ảnh chụp nhanh (snapshot) bị đứng trong khi luồng video vẫn chạy: camera trả về một ảnh cũ, nên kiểm tra hình ảnh không phản ánh hiện trường — khởi động lại camera hoặc kiểm tra cấu hình snapshot',
  moved: 'Camera bị xoay hoặc lệch góc quay: khung cảnh chỉ còn giống {percent}% so với góc quay chuẩn',
  noisy: 'Ảnh bị nhiễu hạt: mức nhiễu {value}, gấp {times} lần bình thường',
  noisy_absolute: 'Ảnh bị nhiễu hạt nặng: mức nhiễu {value}',
  colour_cast: 'Ảnh bị ám màu {hue}: lệch màu {value} đơn vị so với bình thường',
  colour_cast_absolute: 'Ảnh bị ám màu {hue} toàn khung hình (mức {value}): kiểm tra bộ lọc hồng ngoại và cân bằng trắng',
  degrading:
    'Độ nét giảm dần {percent}% trong {days} ngày qua: ống kính có thể bị bẩn, mờ hơi nước hoặc lệch nét — đề nghị lên lịch vệ sinh và chỉnh nét camera',
  lighting_recommendation:
    'Điểm đen về ánh sáng: ban đêm khu vực này quá tối (độ sáng {value}/255) và camera không có hồng ngoại — đề nghị lắp đèn chiếu sáng',
  not_checkable_no_reference: 'Chưa kiểm tra được {what}: chưa có góc quay chuẩn để so sánh',
  not_checkable_greyscale: 'Chưa kiểm tra được {what}: ảnh đen trắng (chế độ hồng ngoại ban đêm)',
  not_checkable_too_dark: 'Chưa kiểm tra được {what}: ảnh quá tối để đánh giá',
  not_checkable_no_previous: 'Chưa kiểm tra được {what}: chưa có ảnh trước để so sánh',
  not_checkable_view_obstructed: 'Chưa kiểm tra được {what}: khung hình đang bị che khuất',
  not_checkable_overexposed: 'Chưa kiểm tra được {what}: ảnh đang cháy sáng',
  not_checkable_low_texture: 'Chưa kiểm tra được {what}: khung cảnh vốn ít chi tiết (tường trơn, bầu trời)',
  not_checkable_too_noisy: 'Chưa kiểm tra được {what}: ảnh quá nhiễu để so sánh',
  not_checkable_too_blurred: 'Chưa kiểm tra được {what}: ảnh quá mờ để so sánh',
  not_checkable_view_unsteady: 'Chưa kiểm tra được {what}: khung cảnh vốn luôn xê dịch (vật ở sát ống kính di chuyển)',
  what_blurred: 'độ nét',
  what_moved: 'hướng camera',
  what_colour_cast: 'ám màu',
  what_frozen: 'hình ảnh đứng',
  what_noisy: 'nhiễu',
  hue_red: 'đỏ/cam',
  hue_yellow: 'vàng',
  hue_green: 'xanh lá',
  hue_blue: 'xanh dương',
  hue_magenta: 'tím/hồng',
};

const en: { [K in keyof typeof vi]: string } = {
  blurred: 'Blurred image: sharpness down to {percent}% of normal',
  blurred_absolute: 'Blurred image: almost no sharp detail left',
  dark: 'Image too dark: brightness down to {percent}% of normal',
  dark_absolute: 'Image too dark: mean brightness only {value}/255',
  overexposed: 'Overexposed image: {percent}% of the picture is blown out',
  covered: 'Camera covered: {percent}% of the frame shows no detail',
  covered_partial: 'Camera partly covered: {percent}% of the frame is hidden behind something flat',
  frozen: 'Frozen image: the picture has not changed since the previous check',
  snapshot_stale:
    'Stale snapshot: the snapshot stays the same while the video stream moves on, so image checks do not show the scene as it is — restart the camera or check its snapshot settings',
  moved: 'Camera moved or turned: the view matches its reference only {percent}%',
  noisy: 'Noisy image: noise level {value}, {times} times normal',
  noisy_absolute: 'Very noisy image: noise level {value}',
  colour_cast: 'Colour cast ({hue}): colour shifted by {value} units from normal',
  colour_cast_absolute: 'Colour cast ({hue}) over the whole picture (level {value}): check the IR-cut filter and white balance',
  degrading:
    'Sharpness has slid {percent}% over the last {days} days: the lens may be dirty or fogged, or the focus creeping — schedule cleaning and refocusing',
  lighting_recommendation:
    'Lighting black spot: this place is too dark at night (brightness {value}/255) and the camera has no infrared — install lighting',
  not_checkable_no_reference: 'Cannot check {what}: no reference view yet',
  not_checkable_greyscale: 'Cannot check {what}: the picture is greyscale (infrared night mode)',
  not_checkable_too_dark: 'Cannot check {what}: the picture is too dark to judge',
  not_checkable_no_previous: 'Cannot check {what}: no previous picture to compare with',
  not_checkable_view_obstructed: 'Cannot check {what}: the view is covered',
  not_checkable_overexposed: 'Cannot check {what}: the picture is overexposed',
  not_checkable_low_texture: 'Cannot check {what}: the scene has little detail to begin with (plain wall, sky)',
  not_checkable_too_noisy: 'Cannot check {what}: the picture is too noisy to compare',
  not_checkable_too_blurred: 'Cannot check {what}: the picture is too blurred to compare',
  not_checkable_view_unsteady: 'Cannot check {what}: the scene itself keeps shifting (something close to the lens moves)',
  what_blurred: 'sharpness',
  what_moved: 'camera direction',
  what_colour_cast: 'colour cast',
  what_frozen: 'frozen picture',
  what_noisy: 'noise',
  hue_red: 'red/orange',
  hue_yellow: 'yellow',
  hue_green: 'green',
  hue_blue: 'blue',
  hue_magenta: 'magenta',
};

export const qualityMessages: Catalogue<typeof vi> = { vi, en };
export type QualityMessageKey = keyof typeof vi;

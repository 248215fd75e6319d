/** Vietnamese and English explanations of image-quality findings. */
import type { Catalogue } from '../i18n/index.js';

const vi = {
  blurred: 'Ảnh mờ: độ nét còn {percent}% so với bình thường',
  blurred_absolute: 'Ảnh mờ: gần như không còn chi tiết sắc nét',
  dark: 'Ảnh quá tối: độ sáng còn {percent}% so với bình thường',
  dark_absolute: 'Ảnh quá tối: độ sáng trung bình chỉ {value}/255',
  overexposed: 'Ảnh cháy sáng: {percent}% diện tích bị trắng xóa',
  covered: 'Camera bị che khuất: {percent}% khung hình không còn chi tiết',
  frozen: 'Hình ảnh bị đứng: khung hình không thay đổi so với lần chụp trước',
  moved: 'Camera bị xoay hoặc lệch hướng: khung cảnh chỉ còn giống {percent}% so với góc quay chuẩn',
  noisy: 'Ảnh bị nhiễu hạt: mức nhiễu {value}, gấp {times} lần bình thường',
  noisy_absolute: 'Ảnh bị nhiễu hạt nặng: mức nhiễu {value}',
  colour_cast: 'Ảnh bị ám màu {hue}: lệch màu {value} đơn vị so với bình thường',
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
  area_blurred:
    'Khu vực {area}: {count}/{total} camera cùng bị mờ — có thể do mưa, sương mù hoặc hơi nước, không phải do từng camera bị phá',
  area_dark:
    'Khu vực {area}: {count}/{total} camera cùng bị tối — có thể do mất điện chiếu sáng công cộng, không phải do từng camera hỏng',
  area_covered: 'Khu vực {area}: {count}/{total} camera cùng bị che khuất — cần kiểm tra tại chỗ (mưa lớn, khói, bụi?)',
};

const en: { [K in keyof typeof vi]: string } = {
  blurred: 'Blurred image: sharpness down to {percent}% of normal',
  blurred_absolute: 'Blurred image: almost no sharp detail left',
  dark: 'Image too dark: brightness down to {percent}% of normal',
  dark_absolute: 'Image too dark: mean brightness only {value}/255',
  overexposed: 'Overexposed image: {percent}% of the picture is blown out',
  covered: 'Camera covered: {percent}% of the frame shows no detail',
  frozen: 'Frozen image: the picture has not changed since the previous check',
  moved: 'Camera moved or turned: the view matches its reference only {percent}%',
  noisy: 'Noisy image: noise level {value}, {times} times normal',
  noisy_absolute: 'Very noisy image: noise level {value}',
  colour_cast: 'Colour cast ({hue}): colour shifted by {value} units from normal',
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
  area_blurred:
    'Area {area}: {count}/{total} cameras turned blurred together — likely rain, fog or condensation, not tampering with each camera',
  area_dark: 'Area {area}: {count}/{total} cameras turned dark together — likely a street-lighting outage, not each camera failing',
  area_covered: 'Area {area}: {count}/{total} cameras covered together — check on site (heavy rain, smoke, dust?)',
};

export const qualityMessages: Catalogue<typeof vi> = { vi, en };
export type QualityMessageKey = keyof typeof vi;

/**
 * Owner registration of private cameras (issue 17). Public, no login, no script: a household,
 * shop or school fills in one HTML form (place, owner, ONVIF address and user, the password
 * once, and the consent with its text shown) and receives a secret link to withdraw consent.
 * The commune police (commune_chief of that commune, or admin) approve or reject in the
 * dashboard. Once approved, the owner's secret link shows the owner its own camera's latest
 * picture and, where the server has ffmpeg, a live picture renewed every few seconds (the only
 * images anyone outside the police may see); it gives the camera password later and withdraws the
 * consent. Writes follow the server's CSRF rule (same origin only); the form is rate-limited per
 * client address and every field is bounded.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { translator, formatTime, type Catalogue, type Locale } from '../../i18n/index.js';
import { Inventory } from '../../inventory/inventory.js';
import {
  approveRegistration,
  consentText,
  CURRENT_CONSENT,
  ANONYMOUS,
  giveCameraPassword,
  ownedCamera,
  registrationByToken,
  rejectRegistration,
  submitRegistration,
  withdrawConsent,
} from '../../inventory/registrations.js';
import { findRegistration, listRegistrations, type RegistrationRow } from '../../store/owners.js';
import { escapeMarkup as html } from '../../reports/document.js';
import { currentUser, errors, int, notFound, nullable, num, numericIdParams, scopeOf, str, time, type App, type ServerDeps } from '../context.js';
import { inLanguage, page } from './public-status.js';
import { insideEvidence } from './inventory.js';
import { writeAudit } from '../../store/audit.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const vi = {
  title: 'Đăng ký camera tham gia chia sẻ hình ảnh',
  intro: 'Hộ gia đình, cơ sở kinh doanh, trường học đăng ký camera của mình để Công an xã, phường theo dõi tình trạng hoạt động và trích xuất hình ảnh khi cần thiết. Sau khi Công an xã, phường phê duyệt, camera được theo dõi như các camera khác.',
  commune: 'Xã, phường nơi đặt camera',
  owner_type: 'Chủ camera là',
  type_household: 'Hộ gia đình',
  type_business: 'Cơ sở kinh doanh',
  type_school: 'Trường học',
  camera_name: 'Tên camera (ví dụ: Cổng nhà ông Tư)',
  location: 'Địa chỉ, vị trí lắp đặt',
  lat: 'Vĩ độ (ví dụ: 13,8231)',
  lon: 'Kinh độ (ví dụ: 109,1352)',
  map_hint: 'Vĩ độ, kinh độ lấy từ bản đồ trên điện thoại: nhấn giữ vào vị trí camera.',
  owner_name: 'Họ và tên chủ camera',
  owner_phone: 'Số điện thoại',
  onvif_host: 'Địa chỉ camera (IP hoặc tên miền)',
  onvif_port: 'Cổng ONVIF',
  onvif_user: 'Tên đăng nhập camera',
  password: 'Mật khẩu camera (chỉ nhập một lần, được mã hóa khi lưu)',
  password_offline: 'Mật khẩu camera không nhập ở đây: cán bộ Công an xã, phường sẽ liên hệ để nhận trực tiếp.',
  consent_title: 'Nội dung đồng ý (phiên bản {version})',
  consent_box: 'Tôi đã đọc và đồng ý với nội dung trên.',
  submit: 'Gửi đăng ký',
  errors_title: 'Thông tin chưa hợp lệ:',
  error_field: '{field}: chưa đúng hoặc quá dài.',
  error_consent: 'Cần đánh dấu đồng ý để đăng ký.',
  error_version: 'Nội dung đồng ý vừa được cập nhật: xin đọc lại và gửi lại.',
  too_many: 'Đã có quá nhiều lần gửi từ địa chỉ này. Xin thử lại sau một giờ.',
  done_title: 'Đã nhận đăng ký',
  done_text: 'Đăng ký số {id} đang chờ Công an xã, phường phê duyệt. Hãy lưu lại đường dẫn dưới đây: đó là cách duy nhất để rút lại sự đồng ý.',
  withdraw_title: 'Rút lại sự đồng ý chia sẻ hình ảnh',
  withdraw_text: 'Camera "{camera}" (đăng ký số {id}). Khi rút lại, hệ thống ngừng kết nối và lấy hình ảnh của camera này.',
  withdraw_button: 'Rút lại sự đồng ý',
  withdrawn_title: 'Đã rút lại sự đồng ý',
  withdrawn_text: 'Lúc {time}: hệ thống đã ngừng lấy hình ảnh của camera này.',
  bad_link: 'Đường dẫn không đúng hoặc đã hết hiệu lực.',
  owner_picture: 'Hình ảnh mới nhất của camera',
  password_later: 'Mật khẩu camera (được mã hóa khi lưu; không bao giờ hiển thị lại)',
  password_later_given: 'camwatch đã có mật khẩu camera. Nếu bạn đã đổi mật khẩu, hãy nhập mật khẩu mới.',
  password_later_button: 'Lưu mật khẩu camera',
  password_saved_title: 'Đã lưu mật khẩu camera',
  password_saved_text: 'Mật khẩu đã được mã hóa và lưu. Hệ thống dùng nó từ lần kiểm tra tới.',
  password_unavailable: 'Hệ thống chưa được cấu hình để lưu mật khẩu: cán bộ Công an xã, phường sẽ liên hệ để nhận trực tiếp.',
  owner_live_link: 'Xem hình ảnh trực tiếp',
  owner_live_title: 'Hình ảnh trực tiếp của camera "{camera}"',
  owner_live_text: 'Ảnh được chụp lại từ camera mỗi {seconds} giây khi trang này đang mở.',
  owner_live_picture: 'Ảnh chụp từ camera lúc này',
  owner_back: 'Quay lại trang của camera',
};

export const registrationMessages: Catalogue<typeof vi> = {
  vi,
  en: {
    title: 'Register a camera to share its images',
    intro: 'Households, businesses and schools register their camera so that the commune police know whether it works and can extract its images when needed. Once the commune police approve it, the camera is monitored like the others.',
    commune: 'Commune or ward where the camera stands',
    owner_type: 'The owner is',
    type_household: 'A household',
    type_business: 'A business',
    type_school: 'A school',
    camera_name: 'Camera name (e.g. Mr Tu’s gate)',
    location: 'Address, where it is mounted',
    lat: 'Latitude (e.g. 13.8231)',
    lon: 'Longitude (e.g. 109.1352)',
    map_hint: 'Take the latitude and longitude from a map on your phone: press and hold on the camera’s place.',
    owner_name: 'Owner’s full name',
    owner_phone: 'Phone number',
    onvif_host: 'Camera address (IP or host name)',
    onvif_port: 'ONVIF port',
    onvif_user: 'Camera user name',
    password: 'Camera password (entered once, stored encrypted)',
    password_offline: 'The camera password is not entered here: an officer of the commune police will contact you to receive it in person.',
    consent_title: 'Consent (version {version})',
    consent_box: 'I have read the text above and agree.',
    submit: 'Register',
    errors_title: 'Please check:',
    error_field: '{field}: missing, wrong or too long.',
    error_consent: 'Tick the consent box to register.',
    error_version: 'The consent text has just been updated: please read it again and resend.',
    too_many: 'Too many submissions from this address. Please try again in an hour.',
    done_title: 'Registration received',
    done_text: 'Registration {id} is waiting for the commune police to approve it. Keep the link below: it is the only way to withdraw your consent.',
    withdraw_title: 'Withdraw consent to share images',
    withdraw_text: 'Camera "{camera}" (registration {id}). Once withdrawn, the system stops connecting to this camera and fetching its images.',
    withdraw_button: 'Withdraw consent',
    withdrawn_title: 'Consent withdrawn',
    withdrawn_text: 'At {time}: the system has stopped fetching this camera’s images.',
    bad_link: 'This link is wrong or no longer valid.',
    owner_picture: 'The camera’s latest picture',
    password_later: 'Camera password (stored encrypted; never shown again)',
    password_later_given: 'camwatch already has the camera password. If you have changed it, enter the new one.',
    password_later_button: 'Save the camera password',
    password_saved_title: 'Camera password saved',
    password_saved_text: 'The password was encrypted and stored. The system uses it from the next check.',
    password_unavailable: 'The system is not set up to store passwords: an officer of the commune police will contact you to receive it in person.',
    owner_live_link: 'Watch the camera live',
    owner_live_title: 'Camera "{camera}" live',
    owner_live_text: 'A new picture is taken from the camera every {seconds} seconds while this page is open.',
    owner_live_picture: 'The camera’s picture now',
    owner_back: 'Back to the camera’s page',
  },
};

type Key = keyof typeof vi;

/** Submissions per client address within an hour, valid or not: enough for a school with a few cameras, too few for a flood. */
export const REGISTRATION_LIMIT = { perHour: 5, windowMs: 3_600_000 } as const;

/** Counts each address's submissions in a sliding hour (in memory: a restart forgives, which is harmless at 5 an hour). */
class SubmissionLimiter {
  private readonly seen = new Map<string, number[]>();
  allow(ip: string, now: number): boolean {
    const recent = (this.seen.get(ip) ?? []).filter((at) => at > now - REGISTRATION_LIMIT.windowMs);
    // Forget addresses that went quiet, so the map stays as small as the last hour's traffic.
    for (const [key, times] of this.seen) if ((times.at(-1) ?? 0) <= now - REGISTRATION_LIMIT.windowMs) this.seen.delete(key);
    if (recent.length >= REGISTRATION_LIMIT.perHour) {
      this.seen.set(ip, recent);
      return false;
    }
    this.seen.set(ip, [...recent, now]);
    return true;
  }
}

const OWNER_TYPES = ['household', 'business', 'school'] as const;
/** A number as people type it in Vietnam (comma) or elsewhere (point). */
const coordinate = (limit: number) => z.string().trim().max(20).transform((v) => Number(v.replace(',', '.'))).pipe(z.number().min(-limit).max(limit));
const text = (max: number, min = 1) => z.string().trim().min(min).max(max);

/** A camera password given later: what the form's own field accepts, and not empty. */
const cameraPassword = z.string().min(1).max(128);

const formSchema = z.object({
  lang: z.enum(['vi', 'en']).default('vi'),
  unit: text(100),
  owner_type: z.enum(OWNER_TYPES),
  camera_name: text(100),
  location: text(200, 0).default(''),
  lat: coordinate(90),
  lon: coordinate(180),
  owner_name: text(100),
  // 0xxxxxxxxx or 84xxxxxxxxx (spaces and dots allowed as people write them)
  owner_phone: z.string().trim().max(20).transform((v) => v.replace(/[\s.]/g, '')).pipe(z.string().regex(/^(0|\+?84)\d{9}$/)),
  onvif_host: z.string().trim().max(253).regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._:-]+)$/),
  onvif_port: z.string().trim().max(5).default('80').transform(Number).pipe(z.number().int().min(1).max(65535)),
  onvif_user: text(64).default('admin'),
  password: z.string().max(128).optional(),
  consent: z.literal('yes', { message: 'consent' }),
  consent_version: z.string().max(20),
});

type FormValues = Partial<Record<keyof z.input<typeof formSchema>, string>>;

const FIELD_LABELS: Partial<Record<keyof FormValues, Key>> = {
  unit: 'commune', owner_type: 'owner_type', camera_name: 'camera_name', location: 'location', lat: 'lat', lon: 'lon',
  owner_name: 'owner_name', owner_phone: 'owner_phone', onvif_host: 'onvif_host', onvif_port: 'onvif_port', onvif_user: 'onvif_user', password: 'password',
};

const COMMUNE_KINDS = new Set(['commune', 'ward', 'special_zone']);

async function formPage(deps: ServerDeps, locale: Locale, values: FormValues, problems: readonly string[], passwordAccepted: boolean): Promise<string> {
  const t = translator(registrationMessages, locale);
  const communes = [...(await Inventory.load(deps.db)).units.values()].filter((u) => u.retired_at === null && COMMUNE_KINDS.has(u.kind)).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  const value = (name: keyof FormValues) => html(values[name] ?? '');
  const input = (name: keyof FormValues, label: Key, attributes = '') => `<p><label>${html(t(label))}<br><input name="${name}" value="${value(name)}" ${attributes}></label></p>`;
  const options = (name: keyof FormValues, choices: readonly [string, string][]) =>
    choices.map(([id, label]) => `<option value="${html(id)}"${values[name] === id ? ' selected' : ''}>${html(label)}</option>`).join('');
  const errorsHtml = problems.length ? `<div class="errors" role="alert"><p>${html(t('errors_title'))}</p><ul>${problems.map((p) => `<li>${html(p)}</li>`).join('')}</ul></div>` : '';
  const body = `<h1>${html(t('title'))}</h1><p>${html(t('intro'))}</p>${errorsHtml}
<form method="post" action="/register">
<input type="hidden" name="lang" value="${locale}"><input type="hidden" name="consent_version" value="${CURRENT_CONSENT}">
<p><label>${html(t('commune'))}<br><select name="unit" required>${options('unit', communes.map((u) => [u.id, u.name]))}</select></label></p>
<p><label>${html(t('owner_type'))}<br><select name="owner_type">${options('owner_type', OWNER_TYPES.map((type) => [type, t(`type_${type}`)]))}</select></label></p>
${input('camera_name', 'camera_name', 'required maxlength="100"')}
${input('location', 'location', 'maxlength="200"')}
${input('lat', 'lat', 'required maxlength="20" inputmode="decimal"')}
${input('lon', 'lon', 'required maxlength="20" inputmode="decimal"')}
<p class="muted">${html(t('map_hint'))}</p>
${input('owner_name', 'owner_name', 'required maxlength="100" autocomplete="name"')}
${input('owner_phone', 'owner_phone', 'required maxlength="20" inputmode="tel" autocomplete="tel"')}
${input('onvif_host', 'onvif_host', 'required maxlength="253"')}
${input('onvif_port', 'onvif_port', 'maxlength="5" inputmode="numeric" placeholder="80"')}
${input('onvif_user', 'onvif_user', 'maxlength="64" placeholder="admin" autocomplete="off"')}
${passwordAccepted ? `<p><label>${html(t('password'))}<br><input type="password" name="password" maxlength="128" autocomplete="new-password"></label></p>` : `<p class="muted">${html(t('password_offline'))}</p>`}
<h2>${html(t('consent_title', { version: CURRENT_CONSENT }))}</h2>
<blockquote class="consent">${html(consentText(CURRENT_CONSENT, locale))}</blockquote>
<p><label><input type="checkbox" name="consent" value="yes" required> ${html(t('consent_box'))}</label></p>
<p><button type="submit">${html(t('submit'))}</button></p>
</form>`;
  return page(locale, t('title'), '/register', body);
}

function sendPage(reply: FastifyReply, status: number, body: string) {
  return reply
    .code(status)
    .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    // The form posts back here: the browser must name this origin for the CSRF rule (no-referrer would send Origin: null).
    .header('referrer-policy', 'same-origin')
    .type('text/html; charset=utf-8')
    .send(body);
}

/** The owner's secret token in a path. */
export const ownerTokenParams = { type: 'object', properties: { token: { type: 'string', maxLength: 100 } }, required: ['token'] } as const;

const langQuery = { type: 'object', properties: { lang: { type: 'string', enum: ['vi', 'en'], default: 'vi' } } } as const;
const htmlOut = { 200: { type: 'string' }, 400: { type: 'string' }, 404: { type: 'string' }, 409: { type: 'string' }, 429: { type: 'string' } } as const;
const FORM_BODY_LIMIT = 8 * 1024;

const registrationSchema = {
  type: 'object',
  properties: {
    id: int, status: str, unit_id: str, unit_name: str, owner_type: str, camera_name: str, location: str, lat: num, lon: num,
    owner_name: str, owner_phone: str, onvif_host: str, onvif_port: int, onvif_user: str, password_given: { type: 'boolean' },
    consent_version: str, consent_sha256: str, consent_at: time, created_at: time, decided_at: nullable(time), decided_by: nullable(str),
    decision_note: nullable(str), camera_id: nullable(str), withdrawn_at: nullable(time),
  },
} as const;

/** The owner's live page takes a new picture this often (the Refresh header: the page has no script). */
export const OWNER_LIVE_REFRESH_S = 5;

/** The owner's fresh picture from the camera (served by the live routes, which hold the live-view machinery). */
const ownerLivePicturePath = (token: string) => `/register/owner/${token}/live.jpg`;

/** `live`: the server has the live-view machinery (ffmpeg), so the owner may watch its camera live. */
export function registrationRoutes(app: App, deps: ServerDeps, options: { live: boolean } = { live: false }) {
  const { db } = deps;
  const limiter = new SubmissionLimiter();
  const keys = deps.ownerKeys;

  // The public form posts application/x-www-form-urlencoded (no script): parsed here only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.get<{ Querystring: { lang: Locale } }>(
    '/register',
    { config: { public: true }, schema: { tags: ['public'], summary: 'The owner registration form (HTML, no login, no script)', security: [], produces: ['text/html'], querystring: langQuery, response: htmlOut } },
    async (request, reply) => sendPage(reply, 200, await formPage(deps, request.query.lang, {}, [], keys.canSeal)),
  );

  app.post<{ Body: Record<string, string> }>(
    '/register',
    { config: { public: true }, bodyLimit: FORM_BODY_LIMIT, schema: { tags: ['public'], summary: 'Submit a registration (form post); answers with the withdrawal link', security: [], consumes: ['application/x-www-form-urlencoded'], produces: ['text/html'], response: htmlOut } },
    async (request, reply) => {
      const values = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as FormValues;
      const locale: Locale = values.lang === 'en' ? 'en' : 'vi';
      const t = translator(registrationMessages, locale);
      const { password: _password, ...kept } = values;
      if (!limiter.allow(request.ip, deps.now())) {
        return sendPage(reply.header('retry-after', String(REGISTRATION_LIMIT.windowMs / 1000)), 429, page(locale, t('title'), '/register', `<h1>${html(t('title'))}</h1><p role="alert">${html(t('too_many'))}</p>`));
      }
      // A field left empty is a field not given: its default (port 80, user admin) applies.
      const parsed = formSchema.safeParse(Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '')));
      const inventory = await Inventory.load(db);
      const unit = parsed.success ? inventory.units.get(parsed.data.unit) : undefined;
      const problems: string[] = [];
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = issue.path[0] as keyof FormValues;
          const label = FIELD_LABELS[field];
          problems.push(field === 'consent' ? t('error_consent') : label ? t('error_field', { field: t(label) }) : t('error_version'));
        }
      } else if (!unit || unit.retired_at !== null || !COMMUNE_KINDS.has(unit.kind)) {
        problems.push(t('error_field', { field: t('commune') }));
      } else if (parsed.data.consent_version !== CURRENT_CONSENT) {
        problems.push(t('error_version'));
      }
      if (problems.length || !parsed.success) return sendPage(reply, 400, await formPage(deps, locale, kept, [...new Set(problems)], keys.canSeal));
      const form = parsed.data;
      const { id, token } = await submitRegistration(
        db,
        form.password && keys.canSeal ? keys.ensure() : keys.current(),
        {
          unitId: form.unit, ownerType: form.owner_type, cameraName: form.camera_name, location: form.location, lat: form.lat, lon: form.lon,
          ownerName: form.owner_name, ownerPhone: form.owner_phone, onvifHost: form.onvif_host, onvifPort: form.onvif_port, onvifUser: form.onvif_user,
          password: form.password || undefined, locale, ip: request.ip,
        },
        deps.now(),
      );
      const link = `${deps.settings.public_url?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`}${inLanguage(`/register/withdraw/${token}`, locale)}`;
      const body = `<h1>${html(t('done_title'))}</h1><p>${html(t('done_text', { id }))}</p><p><a id="withdraw-link" href="${html(link)}">${html(link)}</a></p>`;
      return sendPage(reply, 200, page(locale, t('done_title'), '/register', body));
    },
  );

  app.get<{ Params: { token: string }; Querystring: { lang: Locale } }>(
    '/register/withdraw/:token',
    { config: { public: true }, schema: { tags: ['public'], summary: 'The owner’s withdrawal page (secret link given at registration)', security: [], produces: ['text/html'], params: ownerTokenParams, querystring: langQuery, response: htmlOut } },
    async (request, reply) => {
      const locale = request.query.lang;
      const t = translator(registrationMessages, locale);
      const registration = await registrationByToken(db, request.params.token);
      if (!registration) return sendPage(reply, 404, page(locale, t('bad_link'), '/register', `<h1>${html(t('bad_link'))}</h1>`));
      if (registration.status === 'withdrawn') return sendPage(reply, 200, withdrawnPage(registration, locale));
      // The owner sees its own camera's latest picture here, and live, like the police do on the dashboard.
      const token = html(request.params.token);
      const liveLink = options.live ? `<p><a id="owner-live" href="${html(inLanguage(`/register/owner/${request.params.token}/live`, locale))}">${html(t('owner_live_link'))}</a></p>` : '';
      const picture = registration.status === 'approved' ? `<p><img id="owner-picture" src="/register/owner/${token}/latest.jpg" alt="${html(t('owner_picture'))}" style="max-width:100%"></p>${liveLink}` : '';
      const body = `<h1>${html(t('withdraw_title'))}</h1><p>${html(t('withdraw_text', { camera: registration.camera_name, id: registration.id }))}</p>${picture}
<form method="post" action="/register/withdraw"><input type="hidden" name="token" value="${html(request.params.token)}"><input type="hidden" name="lang" value="${locale}"><button type="submit">${html(t('withdraw_button'))}</button></form>
${passwordForm(registration, request.params.token, locale)}`;
      return sendPage(reply, 200, page(locale, t('withdraw_title'), `/register/withdraw/${request.params.token}`, body));
    },
  );

  /** The owner gives (or changes) the camera password later, on its own page: sealed, never shown again. */
  const passwordForm = (registration: RegistrationRow, token: string, locale: Locale) => {
    const t = translator(registrationMessages, locale);
    if (!keys.canSeal) return `<p class="muted">${html(t('password_unavailable'))}</p>`;
    return `${registration.password_sealed ? `<p>${html(t('password_later_given'))}</p>` : ''}<form method="post" action="/register/owner/password"><input type="hidden" name="token" value="${html(token)}"><input type="hidden" name="lang" value="${locale}">
<p><label>${html(t('password_later'))}<br><input type="password" name="password" maxlength="128" required autocomplete="new-password"></label></p><button type="submit">${html(t('password_later_button'))}</button></form>`;
  };

  app.post<{ Body: Record<string, string> }>(
    '/register/owner/password',
    { config: { public: true }, bodyLimit: FORM_BODY_LIMIT, schema: { tags: ['public'], summary: 'The owner gives the camera password later (form post with the secret token); sealed, audited, never shown again', security: [], consumes: ['application/x-www-form-urlencoded'], produces: ['text/html'], response: { ...htmlOut, 503: { type: 'string' } } } },
    async (request, reply) => {
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, string>;
      const locale: Locale = body.lang === 'en' ? 'en' : 'vi';
      const t = translator(registrationMessages, locale);
      const registration = await registrationByToken(db, String(body.token ?? ''));
      if (!registration || (registration.status !== 'pending' && registration.status !== 'approved')) return sendPage(reply, 404, page(locale, t('bad_link'), '/register', `<h1>${html(t('bad_link'))}</h1>`));
      const password = cameraPassword.safeParse(body.password);
      if (!password.success) return sendPage(reply, 400, page(locale, t('title'), '/register', `<p role="alert">${html(t('error_field', { field: t('password') }))}</p>`));
      if (!keys.canSeal) return sendPage(reply, 503, page(locale, t('title'), '/register', `<p role="alert">${html(t('password_unavailable'))}</p>`));
      await giveCameraPassword(db, keys, registration, password.data, ANONYMOUS(registration.owner_name), request.ip, deps.now());
      return sendPage(reply, 200, page(locale, t('password_saved_title'), '/register', `<h1>${html(t('password_saved_title'))}</h1><p>${html(t('password_saved_text'))}</p>`));
    },
  );

  app.get<{ Params: { token: string } }>(
    '/register/owner/:token/latest.jpg',
    { config: { public: true }, schema: { tags: ['public'], summary: 'The owner’s own camera picture from its last check (secret link; only while approved and consent stands; audited)', security: [], params: ownerTokenParams, produces: ['image/jpeg'] } },
    async (request, reply) => {
      const owned = await ownedCamera(db, request.params.token);
      const file = owned && insideEvidence(deps.evidenceDir, path.join(owned.cameraId, 'latest.jpg'));
      const bytes = file ? await readFile(file).catch(() => undefined) : undefined;
      if (!owned || !bytes) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      await writeAudit(db, ANONYMOUS(owned.registration.owner_name), { action: 'image.view', cameraId: owned.cameraId, detail: 'owner', ip: request.ip }, deps.now());
      return reply.header('cache-control', 'no-store, private').type('image/jpeg').send(bytes);
    },
  );

  if (options.live) {
    app.get<{ Params: { token: string }; Querystring: { lang: Locale } }>(
      '/register/owner/:token/live',
      { config: { public: true }, schema: { tags: ['public'], summary: `The owner watches its own camera live: a fresh picture every ${OWNER_LIVE_REFRESH_S} s (no script; secret link; only while approved and consent stands)`, security: [], produces: ['text/html'], params: ownerTokenParams, querystring: langQuery, response: htmlOut } },
      async (request, reply) => {
        const locale = request.query.lang;
        const t = translator(registrationMessages, locale);
        const owned = await ownedCamera(db, request.params.token);
        if (!owned) return sendPage(reply, 404, page(locale, t('bad_link'), '/register', `<h1>${html(t('bad_link'))}</h1>`));
        const title = t('owner_live_title', { camera: owned.registration.camera_name });
        const body = `<h1>${html(title)}</h1><p>${html(t('owner_live_text', { seconds: OWNER_LIVE_REFRESH_S }))}</p>
<p><img id="owner-live-picture" src="${html(ownerLivePicturePath(request.params.token))}" alt="${html(t('owner_live_picture'))}" style="max-width:100%"></p>
<p><a href="${html(inLanguage(`/register/withdraw/${request.params.token}`, locale))}">${html(t('owner_back'))}</a></p>`;
        return sendPage(reply.header('refresh', String(OWNER_LIVE_REFRESH_S)).header('cache-control', 'no-store, private'), 200, page(locale, title, `/register/owner/${request.params.token}/live`, body));
      },
    );
  }

  const withdrawnPage = (registration: RegistrationRow, locale: Locale) => {
    const t = translator(registrationMessages, locale);
    return page(locale, t('withdrawn_title'), '/register', `<h1>${html(t('withdrawn_title'))}</h1><p>${html(t('withdrawn_text', { time: formatTime(registration.withdrawn_at ?? deps.now(), locale, deps.timeZone) }))}</p>`);
  };

  app.post<{ Body: Record<string, string> }>(
    '/register/withdraw',
    { config: { public: true }, bodyLimit: FORM_BODY_LIMIT, schema: { tags: ['public'], summary: 'Withdraw consent (form post with the secret token)', security: [], consumes: ['application/x-www-form-urlencoded'], produces: ['text/html'], response: htmlOut } },
    async (request, reply) => {
      const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, string>;
      const locale: Locale = body.lang === 'en' ? 'en' : 'vi';
      const t = translator(registrationMessages, locale);
      const registration = await registrationByToken(db, String(body.token ?? ''));
      if (!registration || registration.status === 'rejected') return sendPage(reply, 404, page(locale, t('bad_link'), '/register', `<h1>${html(t('bad_link'))}</h1>`));
      await withdrawConsent(db, registration, request.ip, deps.now());
      return sendPage(reply, 200, withdrawnPage(await findRegistration(db, registration.id) as RegistrationRow, locale));
    },
  );

  // --- the commune police --------------------------------------------------------------------

  const POLICE = { roles: ['admin', 'commune_chief'] } as const;
  /** A registration outside the user's communes answers 403: the chief of another commune may not decide it. */
  const visible = async (request: FastifyRequest, registration: RegistrationRow) => (await scopeOf(request, db)).seesUnit(registration.unit_id);
  const asJson = (inventory: Inventory, r: RegistrationRow) => ({ ...r, unit_name: inventory.unitName(r.unit_id), password_given: r.password_sealed !== null });

  app.get(
    '/api/registrations',
    { config: POLICE, schema: { tags: ['registrations'], summary: 'Cameras registered by their owners in your communes, newest first', response: { 200: { type: 'array', items: registrationSchema }, ...errors } } },
    async (request) => {
      const inventory = await Inventory.load(db);
      const rows = await listRegistrations(db);
      const shown = await Promise.all(rows.map((r) => visible(request, r)));
      return rows.filter((_, i) => shown[i]).map((r) => asJson(inventory, r));
    },
  );

  const decide = (decision: 'approve' | 'reject') =>
    app.post<{ Params: { id: number }; Body: { note?: string } | undefined }>(
      `/api/registrations/:id/${decision}`,
      {
        config: POLICE,
        schema: {
          tags: ['registrations'],
          summary: decision === 'approve' ? 'Approve: the camera joins the inventory and is monitored' : 'Reject, with a note',
          params: numericIdParams,
          body: { type: 'object', nullable: true, properties: { note: { type: 'string', maxLength: 500 } }, additionalProperties: false },
          response: { 200: registrationSchema, 409: { type: 'object', properties: { error: str, message: str } }, ...errors },
        },
      },
      async (request, reply) => {
        const registration = await findRegistration(db, request.params.id);
        if (!registration) return notFound(reply);
        if (!await visible(request, registration)) return reply.code(403).send({ error: 'forbidden', message: 'This registration belongs to another commune' });
        const user = currentUser(request);
        const by = { id: user.id, name: user.name, role: user.role as 'admin' | 'commune_chief' };
        const done = decision === 'approve'
          ? await approveRegistration(db, registration.id, by, request.ip, deps.now())
          : await rejectRegistration(db, registration.id, by, request.body?.note ?? null, request.ip, deps.now());
        if (!done) return reply.code(409).send({ error: 'not_pending', message: 'This registration is no longer waiting for a decision' });
        return asJson(await Inventory.load(db), await findRegistration(db, registration.id) as RegistrationRow);
      },
    );
  decide('approve');
  decide('reject');

  app.put<{ Params: { id: number }; Body: { password: string } }>(
    '/api/registrations/:id/password',
    {
      config: POLICE,
      schema: {
        tags: ['registrations'],
        summary: 'Give the camera password the owner handed over in person (pending or approved registration): sealed at once, never answered back, audited',
        params: numericIdParams,
        body: { type: 'object', properties: { password: { type: 'string', minLength: 1, maxLength: 128 } }, required: ['password'], additionalProperties: false },
        response: { 204: { type: 'null' }, 409: { type: 'object', properties: { error: str, message: str } }, 503: { type: 'object', properties: { error: str, message: str } }, ...errors },
      },
    },
    async (request, reply) => {
      const registration = await findRegistration(db, request.params.id);
      if (!registration) return notFound(reply);
      if (!await visible(request, registration)) return reply.code(403).send({ error: 'forbidden', message: 'This registration belongs to another commune' });
      if (!keys.canSeal) return reply.code(503).send({ error: 'no_key', message: 'No key to seal camera passwords: set CAMWATCH_OWNER_KEY' });
      const user = currentUser(request);
      if (!await giveCameraPassword(db, keys, registration, request.body.password, user, request.ip, deps.now())) {
        return reply.code(409).send({ error: 'closed', message: 'This registration was rejected or withdrawn: its camera is not connected to' });
      }
      return reply.code(204).send();
    },
  );
}

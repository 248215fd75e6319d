/**
 * What a config problem says, in Vietnamese and English. The problem is found before the config's
 * own `locale` is known, so each is kept in both languages and printed in the one the command
 * speaks (`--lang`, `CAMWATCH_LANG`, the broken config's `locale` if it could be read, else vi).
 */
import { translator, type Catalogue, type Locale, type Params } from '../i18n/index.js';

const HOST_HINT_VI = 'ghi tên đăng nhập ở onvif.user và mật khẩu qua password_env';
const HOST_HINT_EN = 'give the user in onvif.user and the password by password_env';
const PG_EXAMPLE = 'postgres://camwatch@db.example.vn:5432/camwatch';

export const configMessages = {
  vi: {
    yamlSyntax: 'lỗi cú pháp YAML ở đây (chi tiết kỹ thuật: {detail})',
    aliasCycle: 'bí danh *{name} nằm trong chính khối &{name} mà nó lặp lại, nên lặp mãi không dừng; hãy chép nguyên khối ra thay cho bí danh',
    aliasTooFar: 'các bí danh YAML bung ra quá lớn (chi tiết kỹ thuật: {detail}); hãy chép các khối ra thay cho bí danh',
    configNotFound: 'không đọc được tệp cấu hình: không tìm thấy tệp',
    configUnreadable: 'không đọc được tệp cấu hình (chi tiết kỹ thuật: {detail})',
    unknownFields: 'có trường không thuộc cấu hình: {keys}; kiểm tra lại chính tả theo mục "Cấu hình" trong README.md',
    required: 'bắt buộc phải có ({expected})',
    wrongType: 'phải là {expected}, ở đây lại là {received}',
    oneOf: 'phải là một trong: {values}',
    atMost: 'nhiều nhất là {limit}',
    below: 'phải nhỏ hơn {limit}',
    atLeast: 'ít nhất là {limit}',
    above: 'phải lớn hơn {limit}',
    notEmpty: 'không được để trống',
    longest: 'dài nhiều nhất {limit} ký tự',
    shortest: 'dài ít nhất {limit} ký tự',
    fewestItems: 'phải có ít nhất {limit} mục',
    mostItems: 'có nhiều nhất {limit} mục',
    notValid: 'giá trị không hợp lệ (chi tiết kỹ thuật: {detail})',
    email: 'phải là địa chỉ thư điện tử, ví dụ conganxa@example.vn',
    noKindFits: 'không thuộc loại giá trị nào được nhận ở đây',
    fileProblem: '"{file}" {problem}',
    topLevel: '(cấp ngoài cùng)',
    type_string: 'chữ',
    type_number: 'một số',
    type_int: 'một số nguyên',
    type_decimal: 'số thập phân',
    type_boolean: 'đúng hoặc sai',
    type_array: 'một danh sách',
    type_object: 'một mục gồm các trường',
    type_null: 'để trống',
    type_other: 'một giá trị khác loại',
    unitTwice: 'mã đơn vị "{id}" bị dùng hai lần; mỗi mã chỉ được dùng một lần trong cả cây đơn vị',
    codeTwice: 'mã hành chính "{code}" được gán cho cả "{first}" và "{second}"',
    contractorTwice: 'mã nhà thầu "{id}" bị dùng hai lần',
    cameraTwice: 'mã camera "{id}" bị dùng hai lần',
    unknownUnit: 'đơn vị "{unit}" không có trong cây đơn vị (mục units: của tệp cấu hình)',
    unknownContractor: 'nhà thầu "{id}" không có trong mục contractors: của tệp cấu hình',
    latLon: 'ghi cả vĩ độ lẫn kinh độ, hoặc bỏ cả hai',
    passwordUnset: 'biến môi trường {name} chưa được đặt; hãy đặt nó bằng mật khẩu của camera',
    systemFolder: '"{dir}" là thư mục hệ thống; hãy dành cho camwatch một thư mục riêng, ví dụ /var/lib/camwatch/evidence',
    boundaryProperty: 'không vùng nào trong "{file}" có thuộc tính "{property}" trùng với mã hoặc mã định danh của một đơn vị; hãy đặt property: bằng thuộc tính chứa mã xã (ví dụ ma_xa)',
    notFound_mbtiles: 'không tìm thấy tệp; hãy ghi đường dẫn của tệp .mbtiles, tuyệt đối hoặc tính từ thư mục của tệp cấu hình này',
    notFound_pmtiles: 'không tìm thấy tệp; hãy ghi đường dẫn của tệp .pmtiles, tuyệt đối hoặc tính từ thư mục của tệp cấu hình này',
    notFound_boundaries: 'không tìm thấy tệp; hãy ghi đường dẫn của tệp GeoJSON ranh giới các xã, tuyệt đối hoặc tính từ thư mục của tệp cấu hình này',
    notAFile_mbtiles: 'không phải là tệp; hãy ghi đường dẫn của tệp .mbtiles',
    notAFile_pmtiles: 'không phải là tệp; hãy ghi đường dẫn của tệp .pmtiles',
    notAFile_boundaries: 'không phải là tệp; hãy ghi đường dẫn của tệp GeoJSON ranh giới các xã',
    unreadable: 'không đọc được ({detail}); hãy cho người dùng chạy camwatch quyền đọc tệp',
    notMbtiles: 'không phải tệp MBTiles (không phải cơ sở dữ liệu SQLite); hãy xuất bản đồ ra MBTiles, ví dụ bằng công cụ tạo ô XYZ dạng MBTiles của QGIS',
    noTilesTable: 'thiếu bảng ô bản đồ nên không phải tệp MBTiles; hãy xuất bản đồ ra MBTiles',
    mbtilesNotPictures: 'chứa ô bản đồ dạng "{format}"; bảng điều khiển chỉ vẽ ô ảnh: hãy dùng MBTiles gồm ô PNG, JPG hoặc WEBP',
    noTiles: 'không có ô bản đồ nào; hãy xuất lại bản đồ với vùng và các mức phóng cần dùng',
    mbtilesUnreadable: 'không đọc được như MBTiles (chi tiết kỹ thuật: {detail}); hãy xuất lại bản đồ ra MBTiles',
    notPmtiles: 'không phải tệp PMTiles; hãy chuyển bản đồ sang PMTiles bằng công cụ pmtiles (lệnh: pmtiles convert map.mbtiles map.pmtiles)',
    pmtilesVersion: 'là PMTiles phiên bản {version}; camwatch đọc phiên bản 3: hãy chuyển lại bằng công cụ pmtiles',
    pmtilesVector: 'chứa ô bản đồ véc-tơ (MVT); bảng điều khiển chỉ vẽ ô ảnh: hãy dùng PMTiles gồm ô PNG, JPG hoặc WEBP',
    pmtilesUnknownType: 'chứa ô bản đồ không rõ loại; bảng điều khiển chỉ vẽ ô ảnh: hãy dùng PMTiles gồm ô PNG, JPG hoặc WEBP',
    pmtilesCompression: 'được nén bằng ZSTD hoặc cách nén không rõ; hãy chuyển lại với cách nén GZIP (công cụ pmtiles mặc định dùng cách này)',
    boundariesTooLarge: 'lớn hơn {mb} MB; hãy đơn giản hoá ranh giới, ví dụ bằng công cụ mapshaper',
    notJson: 'không phải JSON hợp lệ (chi tiết kỹ thuật: {detail}); hãy lưu dưới dạng GeoJSON',
    notPolygons: 'không phải tệp GeoJSON gồm các vùng đa giác (sai ở {where}); hãy lưu ranh giới các xã dưới dạng vùng đa giác GeoJSON',
    tileUrl: 'phải là mẫu địa chỉ Internet, ví dụ https://tile.openstreetmap.org/{z}/{x}/{y}.png ({s} chỉ ở phần đầu của tên máy)',
    tileUrlParts: 'phải chứa {z}, {x} và {y}, ví dụ https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    attribution: 'ghi nguồn bản đồ như giấy phép của nó yêu cầu, ví dụ "© Những người đóng góp OpenStreetMap"',
    tilesSource: 'ghi một trong ba mục: url: (bản đồ trực tuyến), mbtiles: hoặc pmtiles: (tệp trên máy này)',
    idChars: 'chỉ gồm chữ thường không dấu, chữ số, ".", "_" hoặc "-" (ví dụ "tuy-phuoc")',
    envName: 'phải là tên biến môi trường, ví dụ CAM_TP001_PASSWORD',
    phone: 'phải là số điện thoại Việt Nam, ví dụ 0912345678 hoặc 84912345678',
    officialCode: 'mã hành chính có 2 chữ số (tỉnh) hoặc 5 chữ số (xã); đặt trong ngoặc kép: "21"',
    formerCode: 'phải là mã cũ gồm 3 hoặc 5 chữ số',
    daysNumber: 'phải là số ngày, ví dụ 90 cho mỗi quý',
    daysMin: 'ít nhất là 1 ngày, ví dụ 90 cho mỗi quý',
    daysMax: 'nhiều nhất là 3660 ngày (mười năm); ví dụ 90 cho mỗi quý',
    daysWhole: 'phải là một số ngày nguyên, ví dụ 90 cho mỗi quý',
    taskName: 'phải là một trong: {tasks}',
    tasksEmpty: 'ghi ít nhất một việc, ví dụ tasks: [clean, inspect]',
    taskTwice: 'có việc bị ghi hai lần; mỗi việc chỉ ghi một lần',
    urlScheme: 'phải là địa chỉ URL đúng giao thức',
    urlUserInfo: `không được chứa user:password@ — ${HOST_HINT_VI}`,
    urlCredentialQuery: `không được mang tên đăng nhập hay mật khẩu trong tham số (?user=…&password=…) — ${HOST_HINT_VI}`,
    hostOnly: `chỉ ghi tên máy hoặc địa chỉ IP (không có giao thức, đường dẫn, tên đăng nhập hay mật khẩu) — ${HOST_HINT_VI}`,
    ownerIdReserved: 'các mã như owner-1, owner-25 dành cho camera do chủ sở hữu tự đăng ký; hãy chọn mã khác',
    threadsMin: 'phải từ 0 trở lên (0: phân tích ngay trên luồng chính)',
    threadsMax: 'nhiều nhất là {max}; bỏ trống để dùng số luồng bằng số nhân trừ một',
    natsUrl: 'phải có dạng nats://máy:cổng hoặc tls://máy:cổng, không kèm tên đăng nhập hay mật khẩu',
    queueName: 'chỉ gồm chữ thường không dấu, chữ số, "_" hoặc "-"',
    userAndPassword: 'ghi cả tên đăng nhập lẫn biến mật khẩu (password_env), hoặc bỏ cả hai',
    httpUrl: 'phải là địa chỉ Internet bắt đầu bằng http:// hoặc https://',
    capitalsEmpty: 'không được để trống; viết chữ in hoa, ví dụ "{example}"',
    capitals: 'phải viết chữ in hoa như trên văn bản, ví dụ "{example}"',
    issuerAbbreviation: 'phải là chữ viết tắt của cơ quan ban hành, in hoa, không dấu, không cách, ví dụ CAX (số văn bản khi đó là "Số: …/BC-CAX")',
    signMode: 'phải là một trong: {modes} (KT. khi cấp phó ký thay, TM. khi ký thay mặt tập thể như Ủy ban nhân dân)',
    signerName: 'phải là họ tên đầy đủ của người ký, ví dụ "Nguyễn Văn An"',
    recipient: 'phải ghi tên nơi nhận, ví dụ "UBND xã Tuy Phước Đông"',
    trustProxy: 'liệt kê địa chỉ các máy chủ trung gian đứng trước camwatch mà bạn tin cậy, ví dụ [127.0.0.1] (trust_proxy: true sẽ tin mọi máy khách nên không được nhận)',
    timezone: 'phải là múi giờ IANA lệch UTC một số giờ tròn, ví dụ Asia/Ho_Chi_Minh',
    unitsEmpty: 'cần ít nhất một đơn vị hành chính',
    pgUrl: `phải là địa chỉ URL, ví dụ ${PG_EXAMPLE}`,
    pgScheme: `phải bắt đầu bằng postgres:// (không phải {scheme}//), ví dụ ${PG_EXAMPLE}`,
    pgPassword: 'không được chứa mật khẩu: bỏ mật khẩu khỏi URL và đặt nó trong biến môi trường PGPASSWORD (hoặc tệp ~/.pgpass)',
    pgDatabase: `phải ghi tên cơ sở dữ liệu sau tên máy, ví dụ ${PG_EXAMPLE}`,
    pgRequired: `bắt buộc khi engine: postgres, ví dụ url: ${PG_EXAMPLE}`,
  },
  en: {
    yamlSyntax: 'YAML syntax: {detail}',
    aliasCycle: 'the alias *{name} is inside the block &{name} it repeats, which never ends; copy the block instead',
    aliasTooFar: 'YAML aliases expand too far ({detail}); copy the blocks instead of aliasing them',
    configNotFound: 'cannot read the config: file not found',
    configUnreadable: 'cannot read the config: {detail}',
    unknownFields: 'unknown field(s) {keys}; check the spelling against the config reference in README.md',
    required: 'is required ({expected})',
    wrongType: 'must be {expected}, not {received}',
    oneOf: 'must be one of: {values}',
    atMost: 'must be at most {limit}',
    below: 'must be less than {limit}',
    atLeast: 'must be at least {limit}',
    above: 'must be more than {limit}',
    notEmpty: 'must not be empty',
    longest: 'must be at most {limit} characters long',
    shortest: 'must be at least {limit} characters long',
    fewestItems: 'must list at least {limit} item(s)',
    mostItems: 'must list at most {limit} item(s)',
    notValid: '{detail}',
    email: 'must be an email address, e.g. police@example.vn',
    noKindFits: 'is not any of the kinds of value accepted here',
    fileProblem: '"{file}" {problem}',
    topLevel: '(top level)',
    type_string: 'text',
    type_number: 'a number',
    type_int: 'a whole number',
    type_decimal: 'a decimal number',
    type_boolean: 'true or false',
    type_array: 'a list',
    type_object: 'a section of fields',
    type_null: 'empty',
    type_other: 'a value of another kind',
    unitTwice: 'unit id "{id}" is used twice; ids must be unique in the whole tree',
    codeTwice: 'official code "{code}" is given to both "{first}" and "{second}"',
    contractorTwice: 'contractor id "{id}" is used twice',
    cameraTwice: 'camera id "{id}" is used twice',
    unknownUnit: 'unit "{unit}" is not in the units tree',
    unknownContractor: 'contractor "{id}" is not listed under contractors',
    latLon: 'give both lat and lon, or neither',
    passwordUnset: "environment variable {name} is not set; set it to the camera's password",
    systemFolder: '"{dir}" is a system folder; give camwatch a folder of its own, e.g. /var/lib/camwatch/evidence',
    boundaryProperty: 'no feature of "{file}" has a property "{property}" equal to a unit\'s code or id; set property to the one that holds the commune code (e.g. ma_xa)',
    notFound_mbtiles: 'file not found; give the path of the .mbtiles file, absolute or relative to this config file',
    notFound_pmtiles: 'file not found; give the path of the .pmtiles file, absolute or relative to this config file',
    notFound_boundaries: 'file not found; give the path of the GeoJSON file of the commune boundaries, absolute or relative to this config file',
    notAFile_mbtiles: 'is not a file; give the path of the .mbtiles file',
    notAFile_pmtiles: 'is not a file; give the path of the .pmtiles file',
    notAFile_boundaries: 'is not a file; give the path of the GeoJSON file of the commune boundaries',
    unreadable: 'cannot be read ({detail}); let the camwatch user read it',
    notMbtiles: 'is not an MBTiles file (not an SQLite database); export the map as MBTiles, e.g. with QGIS "Generate XYZ tiles (MBTiles)"',
    noTilesTable: 'has no "tiles" table, so it is not an MBTiles file; export the map as MBTiles',
    mbtilesNotPictures: 'holds "{format}" tiles; the dashboard draws picture tiles: give an MBTiles of png, jpg or webp tiles',
    noTiles: 'has no tiles; export the map again with the area and zoom levels you need',
    mbtilesUnreadable: 'cannot be read as MBTiles ({detail}); export the map as MBTiles again',
    notPmtiles: 'is not a PMTiles file; convert the map with "pmtiles convert map.mbtiles map.pmtiles"',
    pmtilesVersion: 'is PMTiles version {version}; camwatch reads version 3: convert it with "pmtiles convert"',
    pmtilesVector: 'holds vector (MVT) tiles; the dashboard draws picture tiles: give a PMTiles of png, jpg or webp tiles',
    pmtilesUnknownType: 'holds unknown tiles; the dashboard draws picture tiles: give a PMTiles of png, jpg or webp tiles',
    pmtilesCompression: 'is compressed with zstd or an unknown method; convert it again with gzip (the pmtiles tool does by default)',
    boundariesTooLarge: 'is larger than {mb} MB; simplify the boundaries (e.g. mapshaper -simplify 10%)',
    notJson: 'is not valid JSON ({detail}); save it as GeoJSON',
    notPolygons: 'is not a GeoJSON FeatureCollection of Polygon or MultiPolygon features (wrong at {where}); save the commune boundaries as GeoJSON polygons',
    tileUrl: 'must be an http(s) URL template such as https://tile.openstreetmap.org/{z}/{x}/{y}.png ({s} only as the first part of the host)',
    tileUrlParts: 'must contain {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    attribution: 'name the source of the map as its licence asks, e.g. "© OpenStreetMap contributors"',
    tilesSource: 'give one of url (online tiles), mbtiles or pmtiles (a file on this machine)',
    idChars: 'must be lower-case letters, digits, ".", "_" or "-" (e.g. "tuy-phuoc")',
    envName: 'must be an environment variable name such as CAM_TP001_PASSWORD',
    phone: 'must be a Vietnamese phone number such as 0912345678 or 84912345678',
    officialCode: 'official codes have 2 digits (province) or 5 digits (commune); quote them: "21"',
    formerCode: 'must be the old 3- or 5-digit code',
    daysNumber: 'must be a number of days, e.g. 90 for quarterly',
    daysMin: 'must be at least 1 day, e.g. 90 for quarterly',
    daysMax: 'must be at most 3660 days (ten years); e.g. 90 for quarterly',
    daysWhole: 'must be a whole number of days, e.g. 90 for quarterly',
    taskName: 'must be one of {tasks}',
    tasksEmpty: 'list at least one task, e.g. [clean, inspect]',
    taskTwice: 'lists a task twice; give each task once',
    urlScheme: 'must be a URL of the right scheme',
    urlUserInfo: `must not contain user:password@ — ${HOST_HINT_EN}`,
    urlCredentialQuery: `must not carry a user or password in its query (?user=…&password=…) — ${HOST_HINT_EN}`,
    hostOnly: `must be a host name or IP address only (no scheme, path, user or password) — ${HOST_HINT_EN}`,
    ownerIdReserved: 'owner-<number> is reserved for cameras registered by their owners; choose another id',
    threadsMin: 'must be 0 (analyse on the main thread) or more',
    threadsMax: 'must be at most {max}; leave it out for one thread per core less one',
    natsUrl: 'must be nats://host:port or tls://host:port, without a user or password',
    queueName: 'must be lower-case letters, digits, "_" or "-"',
    userAndPassword: 'give both user and password_env, or neither',
    httpUrl: 'must be an http(s) URL',
    capitalsEmpty: 'must not be empty; write it in capitals, e.g. "{example}"',
    capitals: 'must be written in capitals as on the document, e.g. "{example}"',
    issuerAbbreviation: 'must be the issuing body\'s abbreviation in capitals without accents or spaces, e.g. CAX (the number then reads "Số: …/BC-CAX")',
    signMode: 'must be one of {modes} (KT. for a deputy, TM. for a collective body such as the People\'s Committee)',
    signerName: 'must be the full name of the person who signs, e.g. "Nguyễn Văn An"',
    recipient: 'must name a recipient, e.g. "UBND xã Tuy Phước Đông"',
    trustProxy: 'list the addresses of the reverse proxies to trust, e.g. [127.0.0.1] (true would trust any client)',
    timezone: 'must be an IANA time zone with a whole-hour offset from UTC, e.g. Asia/Ho_Chi_Minh',
    unitsEmpty: 'at least one administrative unit is needed',
    pgUrl: `must be a URL such as ${PG_EXAMPLE}`,
    pgScheme: `must start with postgres:// (not {scheme}//), e.g. ${PG_EXAMPLE}`,
    pgPassword: 'must not hold a password: remove it from the URL and give it in the PGPASSWORD environment variable (or ~/.pgpass)',
    pgDatabase: `must name the database after the host, e.g. ${PG_EXAMPLE}`,
    pgRequired: `is required with engine: postgres, e.g. url: ${PG_EXAMPLE}`,
  },
} satisfies Catalogue<Record<string, string>>;

export type ConfigMessageKey = keyof typeof configMessages.vi;

/**
 * A config problem, not yet put in words: a message of the catalogue and what fills it in. A
 * parameter that is itself a message (a type's name, a file's problem) is put in words in the
 * same language.
 */
export interface ConfigText {
  key: ConfigMessageKey;
  params?: Record<string, string | number | ConfigText>;
}

/** The problem in both languages. */
export type Localized = Record<Locale, string>;

function wordsOf(text: ConfigText, locale: Locale): string {
  const params: Params = {};
  for (const [name, value] of Object.entries(text.params ?? {})) params[name] = typeof value === 'object' ? wordsOf(value, locale) : value;
  return translator(configMessages, locale)(text.key, params);
}

export function localize(text: ConfigText): Localized {
  return { vi: wordsOf(text, 'vi'), en: wordsOf(text, 'en') };
}

/**
 * zod carries a schema's own message only as a string, so a schema names its message by this
 * string (the key and what fills it in, after a prefix no config value starts with), and the
 * loader turns it back into words (`readSchemaMessage`).
 */
const SCHEMA_MESSAGE = 'camwatch-config-message:';

export function schemaMessage(key: ConfigMessageKey, params?: ConfigText['params']): string {
  return SCHEMA_MESSAGE + JSON.stringify(params ? { key, params } : { key });
}

export function readSchemaMessage(message: string): ConfigText | undefined {
  if (!message.startsWith(SCHEMA_MESSAGE)) return undefined;
  const text = JSON.parse(message.slice(SCHEMA_MESSAGE.length)) as ConfigText;
  return Object.hasOwn(configMessages.vi, text.key) ? text : undefined;
}

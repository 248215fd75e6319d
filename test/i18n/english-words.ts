/**
 * English words inside a Vietnamese text: what no official should read. Used on the catalogues
 * and on rendered output (alerts, command lines), where identifiers filled into a sentence leak.
 */

/**
 * Words that are Vietnamese usage or names, not English leaking through: brands, protocols, file
 * formats and programs that officials see written this way.
 */
const ALLOWED = new Set(
  [
    'camwatch', 'camera', 'video', 'ONVIF', 'RTSP', 'SMS', 'Zalo', 'Telegram', 'URL', 'IP', 'CSV', 'PDF', 'XLSX', 'DOCX', 'HTML', 'JSON', 'YAML', 'Excel', 'Word',
    'NTP', 'GPS', 'SQLite', 'PostgreSQL', 'ffmpeg', 'ffprobe', 'Node', 'js', 'Internet', 'email', 'Ctrl', 'firmware', 'snapshot', 'OK', 'ms', 'km', 'fps', 'UBND', 'VT',
    // the name of the ONVIF standard for recordings ("ONVIF Profile G"), as the makers print it
    'Profile',
    // the store engine's value in a config example ("database: { engine: postgres, … }"), as typed
    'postgres',
    // map file formats and the tools that make them, as their makers write them
    'MBTiles', 'PMTiles', 'GeoJSON', 'OpenStreetMap', 'pmtiles', 'mapshaper',
    // PostgreSQL's password variable, as typed
    'PGPASSWORD',
  ].map((word) => word.toLowerCase()),
);

/** English words that are also spelled like a Vietnamese syllable without its marks. */
const ENGLISH_LOOKALIKES = new Set(['the', 'on', 'by', 'we', 'go', 'he', 'be']);

/**
 * A Vietnamese syllable that has no marks at all ("so" of "so sánh", "an ninh", "bản in", "theo",
 * "khi"): onset, vowels and coda, in the level tone, which never ends in -c, -ch, -p or -t (those
 * syllables always carry a mark), and without â ê ô ơ ư ă đ.
 */
const SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?(oai|oay|oeo|uay|uya|uyu|ai|ao|au|ay|eo|ia|iu|oa|oe|oi|ua|ui|uy|a|e|i|o|u|y)(ng|nh|m|n)?$/;

/** What a Vietnamese message may hold that is not prose: placeholders, commands, options, paths, addresses, config keys and ids. */
function prose(text: string): string {
  return text
    .replace(/\{\w+\}/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/(?:camwatch|pmtiles)(?: [a-z][\w-]*)+/g, ' ')
    // a YAML list as typed: "tasks: [clean, inspect]"
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/--[\w-]+(?: [a-z]\w*)?/g, ' ')
    // a config key in a YAML example, with a yes/no value as typed: "Ví dụ: signer: { title: TRƯỞNG
    // CÔNG AN XÃ, name: … }", "trust_proxy: true"
    .replace(/\b[a-z][a-z_]*:(?: (?:true|false)\b)?(?=\s)/g, ' ')
    .replace(/\S*[./_=:][^\s,;)]*[\w/]/g, (token) => (/^[\p{L}]+[.,:;]?$/u.test(token) ? token : ' '))
    // an identifier of the config (a camera or unit id): "cam-dieu-tri-12"
    .replace(/[a-z\d]+(?:-[a-z\d]+)+/g, ' ');
}

export function englishWords(text: string): string[] {
  return (prose(text).match(/[\p{L}\d]+/gu) ?? []).filter((word) => {
    if (!/^[A-Za-z]+$/.test(word) || word.length === 1) return false;
    const lower = word.toLowerCase();
    if (ALLOWED.has(lower)) return false;
    if (/^[A-Z]+$/.test(word) && word.length <= 5 && !ENGLISH_LOOKALIKES.has(lower)) return false; // an abbreviation: UBND, H, VT
    return ENGLISH_LOOKALIKES.has(lower) || !SYLLABLE.test(lower);
  });
}


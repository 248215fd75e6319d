/**
 * The HTTP side of a simulated camera: the ONVIF device and media services (SOAP 1.2) at
 * /onvif/device_service and /onvif/media_service, and the JPEG snapshot at /snapshot.jpg.
 *
 * ONVIF calls are authenticated with WS-Security UsernameToken (PasswordDigest =
 * Base64(SHA1(nonce + created + password)), or PasswordText) or HTTP Digest; GetSystemDateAndTime
 * is answered without credentials, as on real cameras. A bad token gets HTTP 400 with a
 * `ter:NotAuthorized` SOAP fault; a request with no credentials at all gets 401 and a Digest
 * challenge. Like cameras that check the token's time (Axis and others), a `Created` more than
 * MAX_CLOCK_SKEW_SECONDS away from the camera's clock is refused too, so after the camera's clock
 * jumps a client has to ask GetSystemDateAndTime again (the `onvif` client: reconnect).
 *
 * The operations answer exactly what the `onvif` npm client (0.8.x) parses: element names are
 * matched case-insensitively after the namespace prefix is dropped, so the tds/trt/tt layout
 * below follows the ONVIF WSDLs.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { DigestAuthority, type Credentials } from './digest.js';
import { escapeXml } from '../probe/xml.js';
import { RECORDING_TOKEN, type RollingRecorder } from './recorder.js';

export const ONVIF_DEVICE_PATH = '/onvif/device_service';
export const ONVIF_MEDIA_PATH = '/onvif/media_service';
export const ONVIF_SEARCH_PATH = '/onvif/search_service';
export const ONVIF_REPLAY_PATH = '/onvif/replay_service';
export const ONVIF_RECORDING_PATH = '/onvif/recording_service';
export const SNAPSHOT_PATH = '/snapshot.jpg';
/** WS-Security `Created` further than this from the camera clock is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
const MAX_BODY_BYTES = 256 * 1024;
/** Vietnam (UTC+7), as the demo district's cameras are set. */
const LOCAL_UTC_OFFSET_HOURS = 7;

export interface DeviceInformation {
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
}

export interface OnvifCameraContext {
  readonly id: string;
  readonly host: string;
  httpPort(): number;
  rtspUrl(): string;
  snapshotUrl(): string;
  credentials(): Credentials;
  clockOffsetSeconds(): number;
  isHung(): boolean;
  snapshot(): Buffer;
  readonly device: DeviceInformation;
  readonly video: { width: number; height: number; fps: number; govLength: number };
  /** A second media profile at a lower resolution, as most cameras have. */
  readonly subStream?: { width: number; height: number; url(): string } | undefined;
  /** The camera's recorder (Profile G: search and replay services), or undefined for none. */
  readonly recorder?: RollingRecorder | undefined;
  replayUrl(): string;
}

const NS = {
  env: 'http://www.w3.org/2003/05/soap-envelope',
  tt: 'http://www.onvif.org/ver10/schema',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  ter: 'http://www.onvif.org/ver10/error',
  trc: 'http://www.onvif.org/ver10/recording/wsdl',
  tse: 'http://www.onvif.org/ver10/search/wsdl',
  trp: 'http://www.onvif.org/ver10/replay/wsdl',
};
/** The one search a client may hold open: the answer is ready at once, so the token needs no state. */
const SEARCH_TOKEN = 'Search_1';

function envelope(body: string): string {
  const xmlns = Object.entries(NS)
    .map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`)
    .join(' ');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope ${xmlns}><env:Body>${body}</env:Body></env:Envelope>`;
}

export { escapeXml };

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

export type FaultKind = 'NotAuthorized' | 'ActionNotSupported' | 'WellFormed';

export function soapFault(kind: FaultKind, reason: string): string {
  const code = kind === 'ActionNotSupported' ? 'env:Receiver' : 'env:Sender';
  return envelope(
    `<env:Fault><env:Code><env:Value>${code}</env:Value><env:Subcode><env:Value>ter:${kind}</env:Value></env:Subcode></env:Code>` +
      `<env:Reason><env:Text xml:lang="en">${escapeXml(reason)}</env:Text></env:Reason></env:Fault>`,
  );
}

/** First element with this local name (any prefix): its attributes text and its inner text. */
export function element(xml: string, local: string): { attrs: string; text: string } | undefined {
  const re = new RegExp(`<(?:[\\w.-]+:)?${local}(\\s[^>]*)?(?:/>|>([\\s\\S]*?)</(?:[\\w.-]+:)?${local}\\s*>)`);
  const m = re.exec(xml);
  if (!m) return undefined;
  return { attrs: m[1] ?? '', text: unescapeXml((m[2] ?? '').trim()) };
}

/** Local name of the first element inside the SOAP Body: the operation. */
export function soapAction(xml: string): string | undefined {
  const m = /<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)/.exec(xml);
  return m?.[1];
}

export type TokenCheck = 'ok' | 'missing' | 'bad_credentials' | 'bad_time';

/** Checks a WS-Security UsernameToken against the camera's credentials and clock. */
export function checkUsernameToken(xml: string, expected: Credentials, cameraNowMs: number): TokenCheck {
  const token = element(xml, 'UsernameToken');
  if (!token) return 'missing';
  const username = element(token.text, 'Username')?.text;
  const password = element(token.text, 'Password');
  if (username === undefined || !password) return 'bad_credentials';
  if (username !== expected.username) return 'bad_credentials';
  const isText = /#PasswordText/.test(password.attrs);
  if (isText) {
    return safeEqual(password.text, expected.password) ? 'ok' : 'bad_credentials';
  }
  const nonce = element(token.text, 'Nonce')?.text;
  const created = element(token.text, 'Created')?.text;
  if (!nonce || !created) return 'bad_credentials';
  const digest = createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created, 'utf8'), Buffer.from(expected.password, 'utf8')]))
    .digest('base64');
  if (!safeEqual(digest, password.text)) return 'bad_credentials';
  const createdMs = Date.parse(created);
  if (!Number.isFinite(createdMs) || Math.abs(createdMs - cameraNowMs) > MAX_CLOCK_SKEW_SECONDS * 1000) return 'bad_time';
  return 'ok';
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function dateTimeXml(tag: string, d: Date): string {
  return (
    `<tt:${tag}><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>` +
    `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:${tag}>`
  );
}

function mediaUri(uri: string): string {
  return `<trt:MediaUri><tt:Uri>${escapeXml(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri>`;
}

const PROFILE_TOKEN = 'Profile_1';
const SUB_PROFILE_TOKEN = 'Profile_2';

function profileXml(token: string, name: string, index: number, width: number, height: number, fps: number, govLength: number): string {
  return (
    `<trt:Profiles token="${token}" fixed="true"><tt:Name>${name}</tt:Name>` +
    `<tt:VideoSourceConfiguration token="VideoSourceConfig_1"><tt:Name>VideoSourceConfig</tt:Name><tt:UseCount>1</tt:UseCount><tt:SourceToken>${SOURCE_TOKEN}</tt:SourceToken><tt:Bounds x="0" y="0" width="${width}" height="${height}"/></tt:VideoSourceConfiguration>` +
    `<tt:VideoEncoderConfiguration token="VideoEncoderConfig_${index}"><tt:Name>VideoEncoderConfig</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>H264</tt:Encoding>` +
    `<tt:Resolution><tt:Width>${width}</tt:Width><tt:Height>${height}</tt:Height></tt:Resolution><tt:Quality>4</tt:Quality>` +
    `<tt:RateControl><tt:FrameRateLimit>${fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>1024</tt:BitrateLimit></tt:RateControl>` +
    `<tt:H264><tt:GovLength>${govLength}</tt:GovLength><tt:H264Profile>Baseline</tt:H264Profile></tt:H264>` +
    '<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address><tt:Port>0</tt:Port><tt:TTL>0</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>' +
    '<tt:SessionTimeout>PT60S</tt:SessionTimeout></tt:VideoEncoderConfiguration>' +
    '</trt:Profiles>'
  );
}
const SOURCE_TOKEN = 'VideoSource_1';

export class OnvifService {
  /** HTTP Digest for the snapshot and for ONVIF clients that do not use WS-Security. */
  readonly auth: DigestAuthority;
  private readonly pending = new Set<http.ServerResponse>();

  constructor(readonly ctx: OnvifCameraContext) {
    this.auth = new DigestAuthority(`camwatch-sim ${ctx.id}`, true);
  }

  /** Responses left unanswered by a hung camera; destroyed when the camera comes back or stops. */
  dropPending(): void {
    for (const res of this.pending) res.destroy();
    this.pending.clear();
  }

  handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.ctx.isHung()) {
      this.hold(res);
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === SNAPSHOT_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      this.snapshot(req, res);
      return;
    }
    const recordingPaths = this.ctx.recorder ? [ONVIF_SEARCH_PATH, ONVIF_REPLAY_PATH, ONVIF_RECORDING_PATH] : [];
    if ((path === ONVIF_DEVICE_PATH || path === ONVIF_MEDIA_PATH || recordingPaths.includes(path ?? '')) && req.method === 'POST') {
      this.readBody(req, res, (body) => this.soap(req, res, body));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  }

  private hold(res: http.ServerResponse): void {
    this.pending.add(res);
    res.once('close', () => this.pending.delete(res));
  }

  private readBody(req: http.IncomingMessage, res: http.ServerResponse, then: (body: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size <= MAX_BODY_BYTES) then(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => undefined);
  }

  private snapshot(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!this.auth.verify(req.headers.authorization, req.method ?? 'GET', this.ctx.credentials(), true)) {
      res.writeHead(401, { 'WWW-Authenticate': this.auth.challenge(), 'Content-Type': 'text/plain' }).end('401 Unauthorized\n');
      return;
    }
    const jpeg = this.ctx.snapshot();
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length, 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : jpeg);
  }

  private send(res: http.ServerResponse, status: number, xml: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/soap+xml; charset=utf-8', 'Content-Length': Buffer.byteLength(xml), ...extra });
    res.end(xml);
  }

  private cameraNow(): Date {
    return new Date(Date.now() + this.ctx.clockOffsetSeconds() * 1000);
  }

  private soap(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    if (this.ctx.isHung()) {
      this.hold(res);
      return;
    }
    const action = soapAction(body);
    if (!action) {
      this.send(res, 400, soapFault('WellFormed', 'Not a SOAP request'));
      return;
    }
    if (action !== 'GetSystemDateAndTime') {
      const token = checkUsernameToken(body, this.ctx.credentials(), this.cameraNow().getTime());
      if (token === 'missing') {
        if (!this.auth.verify(req.headers.authorization, req.method ?? 'POST', this.ctx.credentials(), false)) {
          this.send(res, 401, soapFault('NotAuthorized', 'Sender not Authorized'), { 'WWW-Authenticate': this.auth.challenge() });
          return;
        }
      } else if (token !== 'ok') {
        this.auth.failures++;
        this.send(res, 400, soapFault('NotAuthorized', 'Sender not Authorized'));
        return;
      }
    }
    const answer = this.operation(action, body);
    if (answer === undefined) {
      this.send(res, 400, soapFault('ActionNotSupported', `Optional Action Not Implemented: ${action}`));
      return;
    }
    this.send(res, 200, envelope(answer));
  }

  private operation(action: string, body: string): string | undefined {
    const { ctx } = this;
    const base = `http://${ctx.host}:${ctx.httpPort()}`;
    const { width, height, fps, govLength } = ctx.video;
    switch (action) {
      case 'GetSystemDateAndTime': {
        const now = this.cameraNow();
        const local = new Date(now.getTime() + LOCAL_UTC_OFFSET_HOURS * 3600_000);
        return (
          '<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>' +
          '<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>' +
          `<tt:TimeZone><tt:TZ>ICT-${LOCAL_UTC_OFFSET_HOURS}</tt:TZ></tt:TimeZone>` +
          dateTimeXml('UTCDateTime', now) +
          dateTimeXml('LocalDateTime', local) +
          '</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>'
        );
      }
      case 'GetDeviceInformation': {
        const d = ctx.device;
        return (
          '<tds:GetDeviceInformationResponse>' +
          `<tds:Manufacturer>${escapeXml(d.manufacturer)}</tds:Manufacturer><tds:Model>${escapeXml(d.model)}</tds:Model>` +
          `<tds:FirmwareVersion>${escapeXml(d.firmwareVersion)}</tds:FirmwareVersion><tds:SerialNumber>${escapeXml(d.serialNumber)}</tds:SerialNumber>` +
          `<tds:HardwareId>${escapeXml(d.hardwareId)}</tds:HardwareId>` +
          '</tds:GetDeviceInformationResponse>'
        );
      }
      case 'GetCapabilities':
        return (
          '<tds:GetCapabilitiesResponse><tds:Capabilities>' +
          `<tt:Device><tt:XAddr>${base}${ONVIF_DEVICE_PATH}</tt:XAddr>` +
          '<tt:Network><tt:IPFilter>false</tt:IPFilter><tt:ZeroConfiguration>false</tt:ZeroConfiguration><tt:IPVersion6>false</tt:IPVersion6><tt:DynDNS>false</tt:DynDNS></tt:Network>' +
          '<tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve><tt:DiscoveryBye>false</tt:DiscoveryBye><tt:RemoteDiscovery>false</tt:RemoteDiscovery><tt:SystemBackup>false</tt:SystemBackup><tt:SystemLogging>false</tt:SystemLogging><tt:FirmwareUpgrade>false</tt:FirmwareUpgrade>' +
          '<tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>40</tt:Minor></tt:SupportedVersions></tt:System>' +
          '<tt:Security><tt:TLS1.1>false</tt:TLS1.1><tt:TLS1.2>false</tt:TLS1.2><tt:OnboardKeyGeneration>false</tt:OnboardKeyGeneration><tt:AccessPolicyConfig>false</tt:AccessPolicyConfig><tt:X.509Token>false</tt:X.509Token><tt:SAMLToken>false</tt:SAMLToken><tt:KerberosToken>false</tt:KerberosToken><tt:RELToken>false</tt:RELToken></tt:Security>' +
          '</tt:Device>' +
          `<tt:Media><tt:XAddr>${base}${ONVIF_MEDIA_PATH}</tt:XAddr>` +
          '<tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities>' +
          '</tt:Media>' +
          (ctx.recorder
            ? '<tt:Extension>' +
              `<tt:Recording><tt:XAddr>${base}${ONVIF_RECORDING_PATH}</tt:XAddr><tt:ReceiverSource>false</tt:ReceiverSource><tt:MediaProfileSource>true</tt:MediaProfileSource><tt:DynamicRecordings>false</tt:DynamicRecordings><tt:DynamicTracks>false</tt:DynamicTracks><tt:MaxStringLength>64</tt:MaxStringLength></tt:Recording>` +
              `<tt:Search><tt:XAddr>${base}${ONVIF_SEARCH_PATH}</tt:XAddr><tt:MetadataSearch>false</tt:MetadataSearch></tt:Search>` +
              `<tt:Replay><tt:XAddr>${base}${ONVIF_REPLAY_PATH}</tt:XAddr></tt:Replay>` +
              '</tt:Extension>'
            : '') +
          '</tds:Capabilities></tds:GetCapabilitiesResponse>'
        );
      case 'GetServices': {
        const include = /<(?:[\w.-]+:)?IncludeCapability>\s*true\s*</i.test(body);
        const service = (ns: string, path: string, caps: string) =>
          `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${base}${path}</tds:XAddr>` +
          (include ? `<tds:Capabilities>${caps}</tds:Capabilities>` : '') +
          '<tds:Version><tt:Major>2</tt:Major><tt:Minor>40</tt:Minor></tds:Version></tds:Service>';
        return (
          '<tds:GetServicesResponse>' +
          service(NS.tds, ONVIF_DEVICE_PATH, '<tds:Capabilities><tds:Network IPFilter="false" ZeroConfiguration="false" IPVersion6="false" DynDNS="false"/><tds:Security UsernameToken="true" HttpDigest="true"/><tds:System DiscoveryResolve="false" DiscoveryBye="false" RemoteDiscovery="false" SystemBackup="false" SystemLogging="false" FirmwareUpgrade="false"/></tds:Capabilities>') +
          service(NS.trt, ONVIF_MEDIA_PATH, `<trt:Capabilities SnapshotUri="true" Rotation="false"><trt:ProfileCapabilities MaximumNumberOfProfiles="${ctx.subStream ? 2 : 1}"/><trt:StreamingCapabilities RTPMulticast="false" RTP_TCP="true" RTP_RTSP_TCP="true"/></trt:Capabilities>`) +
          (ctx.recorder
            ? service(NS.trc, ONVIF_RECORDING_PATH, '<trc:Capabilities DynamicRecordings="false" DynamicTracks="false" MaxRecordings="1"/>') +
              service(NS.tse, ONVIF_SEARCH_PATH, '<tse:Capabilities MetadataSearch="false"/>') +
              service(NS.trp, ONVIF_REPLAY_PATH, '<trp:Capabilities ReversePlayback="false" RTP_RTSP_TCP="true"/>')
            : '') +
          '</tds:GetServicesResponse>'
        );
      }
      case 'GetServiceCapabilities':
        return '<tds:GetServiceCapabilitiesResponse><tds:Capabilities><tds:Network IPFilter="false" ZeroConfiguration="false" IPVersion6="false" DynDNS="false"/><tds:Security UsernameToken="true" HttpDigest="true"/><tds:System DiscoveryResolve="false" DiscoveryBye="false" RemoteDiscovery="false" SystemBackup="false" SystemLogging="false" FirmwareUpgrade="false"/></tds:Capabilities></tds:GetServiceCapabilitiesResponse>';
      case 'GetHostname':
        return `<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP><tt:Name>${escapeXml(ctx.id)}</tt:Name></tds:HostnameInformation></tds:GetHostnameResponse>`;
      case 'GetScopes':
        return (
          '<tds:GetScopesResponse>' +
          ['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/Profile/Streaming', `onvif://www.onvif.org/name/${encodeURIComponent(ctx.device.model)}`, `onvif://www.onvif.org/hardware/${encodeURIComponent(ctx.device.hardwareId)}`]
            .map((s) => `<tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef><tt:ScopeItem>${escapeXml(s)}</tt:ScopeItem></tds:Scopes>`)
            .join('') +
          '</tds:GetScopesResponse>'
        );
      case 'GetProfiles':
        return (
          '<trt:GetProfilesResponse>' +
          profileXml(PROFILE_TOKEN, 'MainStream', 1, width, height, fps, govLength) +
          (ctx.subStream ? profileXml(SUB_PROFILE_TOKEN, 'SubStream', 2, ctx.subStream.width, ctx.subStream.height, fps, govLength) : '') +
          '</trt:GetProfilesResponse>'
        );
      case 'GetVideoSources':
        return (
          '<trt:GetVideoSourcesResponse>' +
          `<trt:VideoSources token="${SOURCE_TOKEN}"><tt:Framerate>${fps}</tt:Framerate><tt:Resolution><tt:Width>${width}</tt:Width><tt:Height>${height}</tt:Height></tt:Resolution></trt:VideoSources>` +
          '</trt:GetVideoSourcesResponse>'
        );
      case 'GetStreamUri':
        return `<trt:GetStreamUriResponse>${mediaUri(ctx.subStream && new RegExp(`ProfileToken>\\s*${SUB_PROFILE_TOKEN}\\s*<`).test(body) ? ctx.subStream.url() : ctx.rtspUrl())}</trt:GetStreamUriResponse>`;
      case 'GetSnapshotUri':
        return `<trt:GetSnapshotUriResponse>${mediaUri(ctx.snapshotUrl())}</trt:GetSnapshotUriResponse>`;
      default:
        return ctx.recorder ? this.recordingOperation(ctx.recorder, action, body) : undefined;
    }
  }

  /** Profile G: the search service (one recording, the last hour) and the replay service. */
  private recordingOperation(recorder: RollingRecorder, action: string, body: string): string | undefined {
    const held = recorder.window(this.cameraNow().getTime());
    const at = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    switch (action) {
      case 'GetRecordingSummary':
        return `<tse:GetRecordingSummaryResponse><tse:Summary><tt:DataFrom>${at(held.from)}</tt:DataFrom><tt:DataUntil>${at(held.until)}</tt:DataUntil><tt:NumberRecordings>1</tt:NumberRecordings></tse:Summary></tse:GetRecordingSummaryResponse>`;
      case 'FindRecordings':
        return `<tse:FindRecordingsResponse><tse:SearchToken>${SEARCH_TOKEN}</tse:SearchToken></tse:FindRecordingsResponse>`;
      case 'GetRecordingSearchResults':
        if (!new RegExp(`SearchToken>\\s*${SEARCH_TOKEN}\\s*<`).test(body)) return undefined;
        return (
          '<tse:GetRecordingSearchResultsResponse><tse:ResultList><tt:SearchState>Completed</tt:SearchState>' +
          `<tt:RecordingInformation><tt:RecordingToken>${RECORDING_TOKEN}</tt:RecordingToken>` +
          `<tt:Source><tt:SourceId>${escapeXml(this.ctx.id)}</tt:SourceId><tt:Name>${escapeXml(this.ctx.device.model)}</tt:Name><tt:Location/><tt:Description/><tt:Address>${escapeXml(this.ctx.replayUrl())}</tt:Address></tt:Source>` +
          `<tt:EarliestRecording>${at(held.from)}</tt:EarliestRecording><tt:LatestRecording>${at(held.until)}</tt:LatestRecording><tt:Content>continuous</tt:Content>` +
          `<tt:Track><tt:TrackToken>VIDEO001</tt:TrackToken><tt:TrackType>Video</tt:TrackType><tt:Description/><tt:DataFrom>${at(held.from)}</tt:DataFrom><tt:DataTo>${at(held.until)}</tt:DataTo></tt:Track>` +
          '<tt:RecordingStatus>Recording</tt:RecordingStatus></tt:RecordingInformation>' +
          '</tse:ResultList></tse:GetRecordingSearchResultsResponse>'
        );
      case 'EndSearch':
        return `<tse:EndSearchResponse><tse:Endpoint>${at(held.until)}</tse:Endpoint></tse:EndSearchResponse>`;
      case 'GetReplayUri':
        if (!new RegExp(`RecordingToken>\\s*${RECORDING_TOKEN}\\s*<`).test(body)) return undefined;
        return `<trp:GetReplayUriResponse><trp:Uri>${escapeXml(this.ctx.replayUrl())}</trp:Uri></trp:GetReplayUriResponse>`;
      default:
        return undefined;
    }
  }
}

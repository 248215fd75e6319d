/** Reading WS-Discovery replies: what real firmware sends is understood, anything hostile is dropped. */
import { describe, expect, it } from 'vitest';
import { MAX_REPLY_BYTES, parseProbeMatches, probeMessage } from '../../src/probe/discovery.js';
import { parseXml } from '../../src/probe/xml.js';

const PROBE_ID = 'uuid:5f1c6e1a-1111-4222-8333-944455556666';
const ids = new Set([PROBE_ID]);

/** The shape of a Hikvision camera's reply (prefixes and layout as its firmware writes them). */
function reply({ relatesTo = PROBE_ID, types = 'dn:NetworkVideoTransmitter tds:Device', scopes = '', xaddrs = 'http://192.168.1.64/onvif/device_service http://[fe80::4619:b6ff:fe11:2233]/onvif/device_service', head = '', tail = '' } = {}) {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>${head}\n<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:soapenc="http://www.w3.org/2003/05/soap-encoding" xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">
<env:Header><wsadis:MessageID>urn:uuid:7ab1c2d3-0000-0000-0000-446219b61122</wsadis:MessageID><wsadis:RelatesTo>${relatesTo}</wsadis:RelatesTo><wsadis:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsadis:To><wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsadis:Action><d:AppSequence InstanceId="1700000000" MessageNumber="12"/></env:Header>
<env:Body><d:ProbeMatches><d:ProbeMatch><wsadis:EndpointReference><wsadis:Address>urn:uuid:44454c4c-5300-1044-8043-4619b6112233</wsadis:Address></wsadis:EndpointReference><d:Types>${types}</d:Types><d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/hardware/DS-2CD2143G0-I onvif://www.onvif.org/name/HIKVISION%20DS-2CD2143G0-I onvif://www.onvif.org/location/city/hangzhou ${scopes}</d:Scopes><d:XAddrs>${xaddrs}</d:XAddrs><d:MetadataVersion>10</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></env:Body>${tail}</env:Envelope>`,
  );
}

describe('parseProbeMatches', () => {
  it("reads a camera's reply: endpoint, maker and model from the scopes, its device service addresses", () => {
    expect(parseProbeMatches(reply(), ids, '192.168.1.64')).toEqual([
      {
        endpoint: 'urn:uuid:44454c4c-5300-1044-8043-4619b6112233',
        maker: 'HIKVISION DS-2CD2143G0-I',
        model: 'DS-2CD2143G0-I',
        addresses: ['http://192.168.1.64/onvif/device_service', 'http://[fe80::4619:b6ff:fe11:2233]/onvif/device_service'],
        scopes: expect.arrayContaining(['onvif://www.onvif.org/hardware/DS-2CD2143G0-I']) as string[],
        from: '192.168.1.64',
      },
    ]);
  });

  it('ignores a reply to another probe, a reply that is not a video transmitter, and one without a usable address', () => {
    expect(parseProbeMatches(reply({ relatesTo: 'uuid:someone-else' }), ids, 'x')).toBeUndefined();
    expect(parseProbeMatches(reply({ types: 'wsdp:Device pub:Computer' }), ids, 'x')).toBeUndefined();
    expect(parseProbeMatches(reply({ xaddrs: 'javascript:alert(1) not-a-url' }), ids, 'x')).toBeUndefined();
  });

  it('ignores malformed XML, a DOCTYPE with entities, an undefined entity, text after the root and an oversized datagram', () => {
    const good = reply().toString();
    for (const broken of [
      good.replace('</d:ProbeMatches>', ''),
      good.replace('</d:XAddrs>', '</d:Scopes>'),
      good.slice(0, good.length / 2),
      reply({ head: '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>', scopes: '&b;' }).toString(),
      reply({ scopes: '&nbsp;' }).toString(),
      reply({ scopes: 'a & b' }).toString(),
      good + '<extra/>',
    ]) {
      expect(parseProbeMatches(Buffer.from(broken), ids, 'x')).toBeUndefined();
    }
    const huge = reply({ scopes: `onvif://www.onvif.org/location/${'x'.repeat(MAX_REPLY_BYTES)}` });
    expect(parseProbeMatches(huge, ids, 'x')).toBeUndefined();
  });

  it('strips control characters from names (a terminal escape in a hostile reply) and bounds their length', () => {
    const [device] = parseProbeMatches(Buffer.from(reply().toString().replace('name/HIKVISION%20DS-2CD2143G0-I', `name/%1B%5B2J%1B%5D0%3Bpwned%07${'A'.repeat(500)}`)), ids, 'x') ?? [];
    expect(device?.maker).toMatch(/^\[2J\]0;pwnedA+$/);
    expect(device?.maker?.length).toBeLessThanOrEqual(100);
  });

  it('resolves the entities XML defines itself', () => {
    const [device] = parseProbeMatches(reply({ xaddrs: 'http://10.0.0.7:8000/onvif/device_service?a=1&amp;b=2' }), ids, 'x') ?? [];
    expect(device?.addresses).toEqual(['http://10.0.0.7:8000/onvif/device_service?a=1&b=2']);
  });
});

describe('probeMessage', () => {
  it('is a well-formed Probe for NetworkVideoTransmitter carrying its message id', () => {
    const probe = parseXml(probeMessage(PROBE_ID), { maxElements: 50, maxDepth: 8 });
    expect(probe?.name).toBe('Envelope');
    expect(JSON.stringify(probe)).toContain(PROBE_ID);
    expect(probeMessage(PROBE_ID)).toContain('<d:Types>dn:NetworkVideoTransmitter</d:Types>');
  });
});

describe('parseXml', () => {
  it('refuses a tree deeper or larger than its limits', () => {
    expect(parseXml('<a><b><c/></b></a>', { maxElements: 10, maxDepth: 3 })).toBeDefined();
    expect(parseXml('<a><b><c><d/></c></b></a>', { maxElements: 10, maxDepth: 3 })).toBeUndefined();
    expect(parseXml(`<a>${'<b/>'.repeat(20)}</a>`, { maxElements: 10, maxDepth: 3 })).toBeUndefined();
  });
});

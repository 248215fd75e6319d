/**
 * Area grouping: when most cameras of one area turn blurred, dark or covered together (rain, fog,
 * a street-lighting outage), report it once for the area instead of one tamper finding per camera.
 */
import { translator, type Locale } from '../i18n/index.js';
import type { Finding } from './detectors.js';
import { qualityMessages } from './messages.js';

export interface AreaInput {
  area: string;
  findings: Finding[];
}

export interface AreaFinding {
  area: string;
  kind: 'area_blurred' | 'area_dark' | 'area_covered';
  /** The per-camera kind that was grouped. */
  grouped: 'blurred' | 'dark' | 'covered';
  cameraIds: string[];
  /** Cameras of the area that were judged (with findings or not). */
  total: number;
  share: number;
  message: string;
}

export interface AreaGrouping {
  areaFindings: AreaFinding[];
  /** Per-camera findings with the grouped ones removed. */
  cameras: Record<string, Finding[]>;
}

const GROUPABLE = ['blurred', 'dark', 'covered'] as const;

/**
 * `findingsByCamera` maps camera id to its area and findings (include cameras without findings,
 * so the share is right). An area finding needs at least `minCameras` affected cameras making
 * at least `minShare` of the area.
 */
export function groupAreaFindings(
  findingsByCamera: Record<string, AreaInput>,
  opts: { minCameras?: number; minShare?: number; locale?: Locale } = {},
): AreaGrouping {
  const minCameras = opts.minCameras ?? 3;
  const minShare = opts.minShare ?? 0.6;
  const t = translator(qualityMessages, opts.locale ?? 'vi');
  const byArea = new Map<string, string[]>();
  for (const [id, v] of Object.entries(findingsByCamera)) byArea.set(v.area, [...(byArea.get(v.area) ?? []), id]);
  const cameras: Record<string, Finding[]> = {};
  for (const [id, v] of Object.entries(findingsByCamera)) cameras[id] = [...v.findings];
  const areaFindings: AreaFinding[] = [];
  for (const [area, ids] of [...byArea.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const kind of GROUPABLE) {
      const hit = ids.filter((id) => findingsByCamera[id]!.findings.some((f) => f.kind === kind && f.state === 'fault')).sort();
      const share = hit.length / ids.length;
      if (hit.length < minCameras || share < minShare) continue;
      for (const id of hit) cameras[id] = cameras[id]!.filter((f) => !(f.kind === kind && f.state === 'fault'));
      areaFindings.push({
        area,
        kind: `area_${kind}`,
        grouped: kind,
        cameraIds: hit,
        total: ids.length,
        share,
        message: t(`area_${kind}`, { area, count: hit.length, total: ids.length }),
      });
    }
  }
  return { areaFindings, cameras };
}

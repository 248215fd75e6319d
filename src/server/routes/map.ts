/**
 * What the dashboard's map draws besides the cameras: where its background tiles come from (an
 * online URL, or the admin's MBTiles or PMTiles served here for a closed network), the commune boundaries the
 * admin provides, and the cameras in a maintenance window now. Each user gets the boundaries of the
 * units they may see, like everything else.
 */
import { resolveFromConfig } from '../../config/load.js';
import { boundaryKey, readBoundaries, type BoundaryFeature } from '../../config/map.js';
import { localize } from '../../config/messages.js';
import { Inventory } from '../../inventory/inventory.js';
import { windowsOverlapping } from '../../store/maintenance.js';
import { openTileArchive, tileContentType } from '../../store/tiles.js';
import { bool, errors, int, notFound, nullable, scopeOf, str, type App, type ServerDeps } from '../context.js';

/** Where the browser fetches tiles when they come from camwatch itself. */
const LOCAL_TILE_URL = '/tiles/{z}/{x}/{y}';

/** The origin the page may load tile pictures from (its CSP img-src), when tiles are online. */
export function tileImageSource(deps: Pick<ServerDeps, 'config'>): string | undefined {
  const url = deps.config.raw.map.tiles?.url;
  // the config allows {s} only as the host's first label: a CSP wildcard covers the subdomains
  return url ? /^https?:\/\/[^/]+/.exec(url)?.[0].replace('{s}', '*') : undefined;
}

interface Boundary {
  feature: BoundaryFeature;
  /** the unit it outlines; undefined when its key names no unit of the config */
  unitId: string | undefined;
}

function loadBoundaries(deps: ServerDeps): Boundary[] {
  const settings = deps.config.raw.map.boundaries;
  if (!settings) return [];
  const file = resolveFromConfig(deps.config, settings.file);
  const features = readBoundaries(file);
  // the config check read it at load: failing now means it changed since
  if ('problem' in features) throw new Error(`map.boundaries.file: "${file}" ${localize(features.problem).en}`);
  const unitByKey = new Map([...deps.config.units.values()].flatMap((unit) => [[unit.id, unit.id] as const, ...(unit.code ? [[unit.code, unit.id] as const] : [])]));
  return features.map((feature) => ({ feature, unitId: unitByKey.get(boundaryKey(feature, settings.property) ?? '') }));
}

export function mapRoutes(app: App, deps: ServerDeps) {
  const { db, config } = deps;
  const tiles = config.raw.map.tiles;
  const archive = openTileArchive(tiles, (target) => resolveFromConfig(config, target));
  if (archive) app.addHook('onClose', async () => archive.close());
  const boundaries = loadBoundaries(deps);

  app.get(
    '/api/map',
    {
      schema: {
        tags: ['map'],
        summary: "The map's background tiles (null: none configured), whether boundaries exist, and the cameras you may see that are in a maintenance window now",
        response: {
          200: {
            type: 'object',
            properties: {
              tiles: nullable({ type: 'object', properties: { url: str, attribution: str, min_zoom: int, max_zoom: int, local: bool } }),
              boundaries: bool,
              maintenance: { type: 'array', items: str },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const scope = await scopeOf(request, db);
      const now = deps.now();
      const inventory = await Inventory.load(db);
      const maintenance = new Set(
        (await windowsOverlapping(db, now, now + 1)).flatMap((w) => (w.camera_id ? [w.camera_id] : w.unit_id ? inventory.camerasUnder(w.unit_id).map((c) => c.id) : [])),
      );
      return {
        tiles: !tiles
          ? null
          : archive
            ? { url: LOCAL_TILE_URL, attribution: tiles.attribution, min_zoom: archive.minZoom, max_zoom: archive.maxZoom, local: true }
            : { url: tiles.url ?? '', attribution: tiles.attribution, min_zoom: 0, max_zoom: tiles.max_zoom, local: false },
        boundaries: boundaries.length > 0,
        maintenance: [...maintenance].filter((id) => scope.seesCamera(id)).sort(),
      };
    },
  );

  app.get(
    '/api/map/boundaries',
    {
      schema: {
        tags: ['map'],
        summary: 'Boundaries of the units you may see (GeoJSON FeatureCollection); outlines that name no unit are shown to those who see every unit',
        response: {
          200: {
            type: 'object',
            properties: {
              type: str,
              features: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    type: str,
                    geometry: { type: 'object', additionalProperties: true },
                    properties: { type: 'object', properties: { unit_id: nullable(str), name: nullable(str) } },
                  },
                },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const scope = await scopeOf(request, db);
      const visible = boundaries.filter(({ unitId }) => (unitId === undefined ? scope.unitIds === undefined : scope.seesUnit(unitId)));
      return {
        type: 'FeatureCollection',
        features: visible.map(({ feature, unitId }) => ({
          type: 'Feature',
          geometry: feature.geometry,
          // only what the map shows: the admin's file may carry other attributes
          properties: { unit_id: unitId ?? null, name: unitId ? (config.units.get(unitId)?.name ?? null) : null },
        })),
      };
    },
  );

  app.get<{ Params: { z: number; x: number; y: number } }>(
    '/tiles/:z/:x/:y',
    {
      schema: {
        tags: ['map'],
        summary: "A background tile from the admin's MBTiles or PMTiles (web map numbering: y from the north)",
        params: {
          type: 'object',
          properties: { z: { type: 'integer', minimum: 0, maximum: 30 }, x: { type: 'integer', minimum: 0 }, y: { type: 'integer', minimum: 0 } },
          required: ['z', 'x', 'y'],
        },
        produces: ['image/png', 'image/jpeg', 'image/webp'],
        response: { 200: { type: 'string', format: 'binary' }, ...errors },
      },
    },
    async (request, reply) => {
      if (!archive) return notFound(reply);
      const { z, x, y } = request.params;
      if (z < archive.minZoom || z > archive.maxZoom || x >= 2 ** z || y >= 2 ** z) {
        return reply.code(400).send({ error: 'out_of_range', message: `No such tile: zoom ${archive.minZoom}-${archive.maxZoom}, x and y below 2^zoom` });
      }
      const bytes = archive.tile(z, x, y);
      if (!bytes) return notFound(reply);
      // the picture of a place does not change while the file stays; only logged-in users fetch it
      return reply.header('cache-control', 'private, max-age=86400').type(tileContentType(bytes)).send(bytes);
    },
  );
}

/** Reports (JSON, CSV, XLSX, A4 HTML, PDF, DOCX) with the user's scope applied; the audit log and users for admins. */
import { GROUP_BY, type GroupBy } from '../../health/uptime-query.js';
import { OWNER_TYPES } from '../../config/schema.js';
import { LOCALES, type Locale } from '../../i18n/index.js';
import { ChromiumMissingError, PrinterBusyError, buildReport, csvOptions, CsvOptionsError, CSV_DECIMALS, CSV_PRESETS, CSV_SEPARATORS, documentOptions, exportReport, holdMinutes, PeriodError, REPORT_KINDS, resolvePeriod, EXPORT_FORMATS, type CsvDecimal, type CsvPreset, type CsvSeparator, type ExportFormat, type ReportKind } from '../../reports/index.js';
import { reportKindList } from '../../reports/kinds.js';
import { listAudit } from '../../store/audit.js';
import { badRequest, errors, idPattern, int, notFound, nullable, scopeOf, str, time, type App, type ServerDeps } from '../context.js';

interface ReportQuery {
  from?: string;
  to?: string;
  month?: string;
  period?: string;
  quarter?: string;
  half?: string;
  year?: string;
  group_by?: GroupBy;
  unit?: string;
  contractor?: string;
  owner_type?: string;
  format: ExportFormat;
  csv?: CsvPreset;
  separator?: CsvSeparator;
  decimal?: CsvDecimal;
  lang?: Locale;
}

const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const month = { type: 'string', pattern: '^\\d{4}-\\d{2}$' } as const;

export function reportRoutes(app: App, deps: ServerDeps) {
  const { db } = deps;

  app.get(
    '/api/reports',
    {
      schema: {
        tags: ['reports'],
        summary: "The report kinds with their labels in every language, and the installation's time zone (what the dashboard offers and how it shows times)",
        response: {
          200: {
            type: 'object',
            properties: {
              timeZone: str,
              kinds: { type: 'array', items: { type: 'object', properties: { kind: str, label: { type: 'object', additionalProperties: str } } } },
            },
          },
          ...errors,
        },
      },
    },
    async () => ({ timeZone: deps.timeZone, kinds: reportKindList() }),
  );

  app.get<{ Params: { kind: ReportKind }; Querystring: ReportQuery }>(
    '/api/reports/:kind',
    {
      schema: {
        tags: ['reports'],
        summary: 'A report for a period: uptime (by unit, camera, contractor, owner type), open incidents, unclear images, lighting, contractor SLA, coverage',
        description:
          'Period: from/to (local days, inclusive), month (calendar month YYYY-MM) or period (official period YYYY-MM: 15th of the month before to the 14th); ' +
          'quarter (YYYY-Qn), half (YYYY-H1|H2) or year (YYYY), official periods ending on the 14th too; ' +
          'default the official period containing today. format=json|csv|xlsx|html|pdf|docx (A4, Decree 30/2020 layout). ' +
          'CSV: csv=iso (",", decimal point, ISO times; the default) or csv=vi (";", decimal comma, dd/mm/yyyy), separator and decimal over the preset.',
        params: { type: 'object', properties: { kind: { type: 'string', enum: [...REPORT_KINDS] } }, required: ['kind'] },
        querystring: {
          type: 'object',
          properties: {
            from: day, to: day, month, period: month,
            quarter: { type: 'string', pattern: '^\\d{4}-Q[1-4]$' }, half: { type: 'string', pattern: '^\\d{4}-H[12]$' }, year: { type: 'string', pattern: '^\\d{4}$' },
            group_by: { type: 'string', enum: [...GROUP_BY] },
            unit: { type: 'string', pattern: idPattern }, contractor: { type: 'string', pattern: idPattern }, owner_type: { type: 'string', enum: [...OWNER_TYPES] },
            format: { type: 'string', enum: [...EXPORT_FORMATS], default: 'json' },
            csv: { type: 'string', enum: Object.keys(CSV_PRESETS) },
            separator: { type: 'string', enum: Object.keys(CSV_SEPARATORS) },
            decimal: { type: 'string', enum: Object.keys(CSV_DECIMALS) },
            lang: { type: 'string', enum: [...LOCALES] },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            description: 'JSON report (format=json); other formats answer the file itself',
            type: 'object',
            properties: {
              kind: str, locale: str, title: str, periodLabel: str, generatedAt: time, timeZone: str,
              period: { type: 'object', properties: { kind: str, fromDay: str, toDay: str, from: time, to: time, month: nullable(str), name: nullable(str) } },
              filters: { type: 'array', items: str },
              columns: { type: 'array', items: { type: 'object', properties: { key: str, header: str, type: str, decimals: int } } },
              rows: { type: 'array', items: { type: 'object', additionalProperties: true } },
              totals: nullable({ type: 'object', additionalProperties: true }),
              charts: {
                type: 'array',
                items: { type: 'object', properties: { kind: str, title: str, points: { type: 'array', items: { type: 'object', properties: { label: str, value: nullable({ type: 'number' }) } } } } },
              },
              summary: { type: 'array', items: str },
              notes: { type: 'array', items: str },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request, db);
      const q = request.query;
      if (q.unit && !scope.seesUnit(q.unit)) return notFound(reply);
      if (q.contractor && scope.user.role === 'contractor' && q.contractor !== scope.user.contractorId) return notFound(reply);
      let period;
      let csv;
      try {
        period = resolvePeriod({ from: q.from, to: q.to, month: q.month, period: q.period, quarter: q.quarter, half: q.half, year: q.year }, deps.timeZone, deps.now());
        csv = csvOptions({ preset: q.csv, separator: q.separator, decimal: q.decimal });
      } catch (error) {
        if (error instanceof PeriodError || error instanceof CsvOptionsError) return badRequest(reply, error.message);
        throw error;
      }
      const locale = q.lang ?? deps.config.raw.locale;
      const report = await buildReport(db, {
        kind: request.params.kind,
        period,
        groupBy: q.group_by,
        // a commune chief's reports are rooted at its commune ("by unit" = the units below it)
        unitId: q.unit ?? scope.rootUnit,
        contractorId: q.contractor,
        ownerType: q.owner_type,
        cameraIds: scope.cameraIds,
        unitIds: scope.unitIds,
        includeGroupIncidents: scope.user.role !== 'contractor',
        locale,
        timeZone: deps.timeZone,
        holdMinutes: holdMinutes(deps.config.raw),
        now: deps.now(),
      });
      if (q.format === 'json') return report;
      let file;
      try {
        file = await exportReport(report, q.format, await documentOptions(db, deps.config.raw), { csv });
      } catch (error) {
        // PDF: the printer is busy or there is none; the other formats still work
        if (error instanceof PrinterBusyError) return reply.code(503).header('retry-after', '60').send({ error: 'busy', message: error.message });
        if (error instanceof ChromiumMissingError) return reply.code(503).send({ error: 'unavailable', message: error.message });
        throw error;
      }
      const name = `camwatch-${report.kind}-${period.fromDay}_${period.toDay}.${file.extension}`;
      if (q.format !== 'html') reply.header('content-disposition', `attachment; filename="${name}"`);
      return reply.type(file.contentType).send(file.body);
    },
  );

  app.get<{ Querystring: { from?: number; to?: number; camera?: string; user?: string; action?: string; limit: number } }>(
    '/api/audit',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['admin'],
        summary: 'Who viewed or exported which camera image, and when (also logins and refused views)',
        querystring: {
          type: 'object',
          properties: { from: time, to: time, camera: { type: 'string', pattern: idPattern }, user: { type: 'string', maxLength: 64 }, action: { type: 'string', maxLength: 64 }, limit: { type: 'integer', minimum: 1, maximum: 10000, default: 500 } },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'array',
            items: { type: 'object', properties: { id: int, at: time, user_id: nullable(int), user_name: str, role: str, action: str, camera_id: nullable(str), incident_id: nullable(int), detail: nullable(str), ip: nullable(str) } },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      return listAudit(db, { from: q.from, to: q.to, cameraId: q.camera, user: q.user, action: q.action, limit: q.limit });
    },
  );
}

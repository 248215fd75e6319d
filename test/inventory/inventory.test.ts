import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { Inventory } from '../../src/inventory/inventory.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { openStore } from '../../src/store/db.js';
import type { CameraRow, UnitRow } from '../../src/store/inventory.js';

const unit = (id: string, parent_id: string | null): UnitRow => ({ id, parent_id, code: null, name: `unit ${id}`, kind: 'commune', population: null, area_km2: null, retired_at: null });
const camera = (id: string, unit_id: string): CameraRow => ({
  id,
  unit_id,
  name: `camera ${id}`,
  location: '',
  lat: null,
  lon: null,
  owner_type: 'public',
  owner: null,
  contractor_id: null,
  tags: '[]',
  enabled: 1,
  retired_at: null,
});

// province → district → two communes, and a second district beside the first
const tree = new Inventory(
  [unit('province', null), unit('district', 'province'), unit('commune-a', 'district'), unit('commune-b', 'district'), unit('other-district', 'province')],
  [camera('cam-a', 'commune-a'), camera('cam-b', 'commune-b'), camera('cam-d', 'district'), camera('cam-o', 'other-district')],
  [{ id: 'vnpt', name: 'VNPT', contract_ref: null, acknowledge_hours: 4, repair_hours: 48, maintenance_every_days: null, maintenance_tasks: null, retired_at: null }],
);

describe('Inventory', () => {
  it('gives a unit with everything below it as its subtree, and nothing beside or above it', () => {
    expect([...tree.subtree('district')].sort()).toEqual(['commune-a', 'commune-b', 'district']);
    expect([...tree.subtree('province')].sort()).toEqual(['commune-a', 'commune-b', 'district', 'other-district', 'province']);
    expect([...tree.subtree('commune-a')]).toEqual(['commune-a']);
    expect(tree.subtree('nowhere').size).toBe(0);
  });

  it('gives the lineage from the root down to the unit', () => {
    expect(tree.lineage('commune-b')).toEqual(['province', 'district', 'commune-b']);
    expect(tree.lineage('province')).toEqual(['province']);
    expect(tree.lineage('nowhere')).toEqual(['nowhere']);
  });

  it('finds the cameras of a subtree', () => {
    expect(tree.camerasUnder('district').map((c) => c.id)).toEqual(['cam-a', 'cam-b', 'cam-d']);
    expect(tree.camerasUnder('other-district').map((c) => c.id)).toEqual(['cam-o']);
    expect(tree.camerasUnder('nowhere')).toEqual([]);
  });

  it('names units and contractors, and falls back to the id of an unknown one', () => {
    expect(tree.unitName('district')).toBe('unit district');
    expect(tree.unitName('gone')).toBe('gone');
    expect(tree.contractorName('vnpt')).toBe('VNPT');
    expect(tree.contractorName('gone')).toBe('gone');
  });

  it('ends the walk on a parent link that loops back', () => {
    const loop = new Inventory([unit('a', 'b'), unit('b', 'a')], [], []);
    expect([...loop.subtree('a')].sort()).toEqual(['a', 'b']);
    expect(loop.lineage('a')).toEqual(['b', 'a']);
  });

  it('loads the stored tree, keeping retired cameras for their history', async () => {
    const env = { CAM1_PASSWORD: 'x', CAM2_PASSWORD: 'y' };
    const minimal = readFileSync('test/fixtures/config/minimal.yaml', 'utf8');
    const { db } = await openStore(':memory:');
    await syncInventory(db, parseConfig(minimal, 'minimal.yaml', env), 1000);
    await syncInventory(db, parseConfig(minimal.slice(0, minimal.indexOf('  - id: cam-2')), 'minimal.yaml', env), 2000);
    const stored = await Inventory.load(db);
    expect([...stored.subtree('gia-lai')].sort()).toEqual(['gia-lai', 'tuy-phuoc', 'tuy-phuoc-dong']);
    expect(stored.lineage('tuy-phuoc-dong')).toEqual(['gia-lai', 'tuy-phuoc-dong']);
    expect(stored.camerasUnder('tuy-phuoc-dong').map((c) => [c.id, c.retired_at])).toEqual([['cam-2', 2000]]);
    expect(stored.cameras.get('cam-1')?.contractor_id).toBe('vnpt');
    expect(stored.contractorName('vnpt')).toBe('VNPT');
  });
});

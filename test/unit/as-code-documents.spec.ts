import { describe, expect, it } from '@jest/globals';
import {
  chartSlugsOfTiles,
  dashboardAsCode,
  dashboardContentFromCode,
  friendlyName,
  pathSegmentsOf,
  spaceSlugOf,
  withFilterIds,
} from '../../src/content-as-code/as-code-documents.js';

describe('content as code documents', () => {
  it('turns paths into space slugs and back, making each segment a slug', () => {
    expect(spaceSlugOf('sales.emea-team')).toBe('sales/emea-team');
    expect(pathSegmentsOf('Sales/EMEA_team//q1 ')).toEqual(['sales', 'emea-team', 'q1']);
    expect(pathSegmentsOf('///')).toEqual([]);
    expect(friendlyName('emea-team')).toBe('Emea team');
    expect(friendlyName('q1')).toBe('Q1');
  });

  it('names chart tiles by slug, numbering repeats, and keys tile targets by those names', () => {
    const chart = 'aaaaaaaa-0000-4000-8000-000000000001';
    const document = dashboardAsCode(
      {
        uuid: 'd',
        slug: 'overview',
        name: 'Overview',
        description: null,
        updatedAt: '2026-01-01T00:00:00.000Z',
        spacePath: 'sales',
        chartSlugs: { [chart]: 'revenue', 'revenue-1-chart': 'revenue-1' },
        tabs: [
          { uuid: 'tab-1', slug: 'first', name: 'First', order: 0 },
          { uuid: 'tab-2', name: 'Second', order: 1 },
        ],
        tiles: [
          { uuid: 't1', type: 'saved_chart', tabUuid: 'tab-1', properties: { savedChartUuid: chart, title: 'A' } },
          { uuid: 't2', type: 'saved_chart', properties: { savedChartUuid: chart.toUpperCase() } },
          { uuid: 't3', type: 'saved_chart', properties: { savedChartUuid: 'revenue-1-chart' } },
          { uuid: 't4', type: 'saved_chart', properties: { savedChartUuid: null } },
          { uuid: 't5', type: 'markdown', tabUuid: 'tab-2', properties: { content: 'x' } },
        ],
        filters: { dimensions: [{ id: 'f', tileTargets: { t2: { fieldId: 'a' }, gone: false } }], metrics: [], tableCalculations: [] },
      },
      'now',
    );
    expect(document.tiles).toEqual([
      { type: 'saved_chart', tabSlug: 'first', tileSlug: 'revenue', properties: { title: 'A', hideTitle: undefined, chartSlug: 'revenue' }, tabUuid: 'tab-1' },
      { type: 'saved_chart', tabSlug: null, tileSlug: 'revenue-1', properties: { title: undefined, hideTitle: undefined, chartSlug: 'revenue' } },
      // a chart whose own slug is taken by a repeat's name gets the next free one
      { type: 'saved_chart', tabSlug: null, tileSlug: 'revenue-1-1', properties: { title: undefined, hideTitle: undefined, chartSlug: 'revenue-1' } },
      { type: 'saved_chart', tabSlug: null, tileSlug: undefined, properties: { title: undefined, hideTitle: undefined, chartSlug: null } },
      // a tab without a slug names no tab
      { type: 'markdown', tabSlug: null, properties: { content: 'x' }, tabUuid: 'tab-2' },
    ]);
    expect(document.contentType).toBe('dashboard');
    expect(document.verification).toBeNull();
    expect(document.filters.dimensions).toEqual([{ tileTargets: { 'revenue-1': { fieldId: 'a' } } }]);
    expect(document.spaceSlug).toBe('sales');
  });

  it('gives uploaded tiles and dimension filters new ids and maps tile slugs and chart slugs to uuids', () => {
    const content = dashboardContentFromCode(
      {
        tiles: [
          { type: 'saved_chart', tileSlug: 'revenue', uuid: 'ignored', properties: { title: 'A', chartSlug: 'revenue' } },
          { type: 'saved_chart', properties: { chartSlug: null } },
          { type: 'heading', properties: { text: 'H' } },
        ],
        filters: { dimensions: [{ id: 'old', tileTargets: { revenue: false, unknown: false } }] },
      },
      new Map([['revenue', 'chart-uuid']]),
    );
    const [first, second, third] = content.tiles;
    expect(first).toEqual({ type: 'saved_chart', uuid: expect.any(String), properties: { title: 'A', savedChartUuid: 'chart-uuid' } });
    expect(first.uuid).not.toBe('ignored');
    expect(second.properties).toEqual({ savedChartUuid: null });
    expect(third).toEqual({ type: 'heading', uuid: expect.any(String), properties: { text: 'H' } });
    expect(content.filters).toEqual({ metrics: [], tableCalculations: [], dimensions: [{ id: expect.any(String), tileTargets: { [first.uuid as string]: false } }] });
    expect((content.filters.dimensions as { id: string }[])[0].id).not.toBe('old');
    expect(content.tabs).toEqual([]);
    expect(chartSlugsOfTiles([{ type: 'saved_chart', properties: { chartSlug: 'a' } }, { type: 'saved_chart', properties: { chartSlug: 'a' } }, { type: 'markdown', properties: { chartSlug: 'b' } }])).toEqual(['a']);
  });

  it('gives filter groups and rules without an id one, and keeps the ids given', () => {
    const filters = withFilterIds({
      dimensions: { id: 'kept', and: [{ target: { fieldId: 'a' }, operator: 'isNull' }, { or: [{ id: 'r', target: { fieldId: 'b' } }] }] },
    });
    expect(filters).toEqual({
      dimensions: {
        id: 'kept',
        and: [
          { id: expect.any(String), target: { fieldId: 'a' }, operator: 'isNull' },
          { id: expect.any(String), or: [{ id: 'r', target: { fieldId: 'b' } }] },
        ],
      },
    });
  });
});

import type { DataSource } from 'typeorm';
import type { ViewedKind } from './counts-view.decorator.js';

/** Pending views of one kind, as parallel arrays: uuid, views to add, time of the first of them. */
export type ViewBatchParams = [uuids: string[], counts: number[], firstViewedAt: Date[]];

/** Adds a batch of chart views in one statement (unknown or deleted uuids simply match nothing). */
const ADD_CHART_VIEWS = `
  UPDATE saved_charts c
  SET views = c.views + v.n, first_viewed_at = coalesce(c.first_viewed_at, v.first_viewed_at)
  FROM unnest($1::uuid[], $2::int[], $3::timestamptz[]) AS v(uuid, n, first_viewed_at)
  WHERE c.saved_chart_uuid = v.uuid`;

/** Adds a batch of dashboard views in one statement. */
const ADD_DASHBOARD_VIEWS = `
  UPDATE dashboards d
  SET views = d.views + v.n, first_viewed_at = coalesce(d.first_viewed_at, v.first_viewed_at)
  FROM unnest($1::uuid[], $2::int[], $3::timestamptz[]) AS v(uuid, n, first_viewed_at)
  WHERE d.dashboard_uuid = v.uuid`;

const ADD_VIEWS: Record<ViewedKind, string> = { chart: ADD_CHART_VIEWS, dashboard: ADD_DASHBOARD_VIEWS };

/** Adds a batch of views of one kind in one statement. */
export async function addViews(dataSource: DataSource, kind: ViewedKind, batch: ViewBatchParams): Promise<void> {
  await dataSource.query(ADD_VIEWS[kind], batch);
}

import type { ChartConfig, ChartKind } from './dto/chart.dto.js';

type Series = { type?: unknown; areaStyle?: unknown };

/** The kind shown in chart lists, derived from the config as the peer does (cartesian charts by their series). */
export function chartKindOf(chartConfig: ChartConfig): ChartKind {
  if (chartConfig.type !== 'cartesian') return chartConfig.type;
  const config = (chartConfig.config ?? {}) as { layout?: { flipAxes?: unknown }; eChartsConfig?: { series?: unknown } };
  const series = Array.isArray(config.eChartsConfig?.series) ? (config.eChartsConfig.series as Series[]) : [];
  const kinds = new Set(
    series.map((s): ChartKind => {
      if (s.type === 'line') return s.areaStyle ? 'area' : 'line';
      if (s.type === 'scatter') return 'scatter';
      return config.layout?.flipAxes ? 'horizontal_bar' : 'vertical_bar';
    }),
  );
  if (kinds.size > 1) return 'mixed';
  return kinds.values().next().value ?? 'vertical_bar';
}

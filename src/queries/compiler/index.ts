export { compileMetricQuery } from './compile-metric-query.js';
export { CompileError, FieldReferenceError } from './errors.js';
export type { CompiledField, CompiledQuery, CompileOptions, FieldKind, MetricQuery } from './types.js';

export { compileMetricQuery } from './compile-metric-query.js';
export { CompileError, FieldReferenceError } from './errors.js';
export type { CompiledField, CompiledQuery, CompileOptions, FieldKind, MetricQuery } from './types.js';
export { exploreHasField, fieldId, indexExploreFields, type ExploreFields } from './field-index.js';
export type { Explore } from './types.js';

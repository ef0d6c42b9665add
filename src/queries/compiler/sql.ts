import { CompileError } from './errors.js';

/**
 * The bound values of one statement. Every value that came from the request goes through `add`,
 * which returns its `$n` placeholder; nothing from the request is ever written into the SQL text.
 */
export class Parameters {
  readonly values: unknown[] = [];

  /** `$n`, or `$n::<cast>` when PostgreSQL could not infer the type the value needs (numbers vs integer columns). */
  add(value: unknown, cast?: 'numeric' | 'double precision' | 'bigint' | 'text'): string {
    this.values.push(value);
    const placeholder = `$${this.values.length}`;
    return cast ? `${placeholder}::${cast}` : placeholder;
  }
}

/** The longest PostgreSQL identifier: longer aliases would be cut (NOTICE 42622) and could collide. */
export const MAX_IDENTIFIER_BYTES = 63;

/** A double-quoted identifier; `"` doubled. Aliases longer than PostgreSQL keeps are refused, naming the field. */
export function quoteIdentifier(name: string, field = name): string {
  if (name.includes('\u0000')) throw new CompileError(`"${field}" contains a NUL character`, field);
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new CompileError(`PostgreSQL identifier is too long: "${name}" (at most ${MAX_IDENTIFIER_BYTES} bytes)`, field);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"table".column` or `"table"."column"`: safe to use unparenthesised inside a larger expression. */
export function isSimpleColumn(sql: string): boolean {
  return /^"[^"]+"\.(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")$/.test(sql.trim());
}

export function parenthesiseUnlessSimple(sql: string): string {
  return isSimpleColumn(sql) ? sql.trim() : `(${sql})`;
}

const ATTRIBUTE_REF = /\$\{\s*(?:lightdash|ld)\.(attributes|attribute|attr|user|parameters|parameter)\.([a-zA-Z0-9_.-]+)\s*\}/g;

export interface SqlContext {
  params: Parameters;
  userAttributes: Record<string, string | string[]>;
  intrinsicUserAttributes: Record<string, string>;
  parameters: Record<string, string | number | (string | number)[]>;
  missingParameters: Set<string>;
}

/**
 * SQL from the explore (compiledSql, compiledSqlOn, sqlWhere, sqlTable) with its user-attribute and
 * parameter references replaced by bound values (arrays become `$1, $2`, for `IN (…)`). A missing
 * attribute refuses the query (Lightdash: "Missing user attribute"); a missing parameter is left in
 * place and reported as a warning, as Lightdash does.
 */
export function bindExploreSql(sql: string, context: SqlContext, field: string): string {
  if (!sql.includes('${')) return sql;
  return sql.replace(ATTRIBUTE_REF, (match, kind: string, name: string) => {
    let value: string | number | (string | number)[] | undefined;
    if (kind === 'user') value = context.intrinsicUserAttributes[name];
    else if (kind.startsWith('param')) value = context.parameters[name];
    else value = context.userAttributes[name];
    const empty = value === undefined || (Array.isArray(value) && value.length === 0) || value === '';
    if (empty) {
      if (kind.startsWith('param')) {
        context.missingParameters.add(name);
        return match;
      }
      throw new CompileError(`Missing user attribute "${name}" used by ${field}`, field, { attribute: name });
    }
    const values = Array.isArray(value) ? value : [value];
    return values.map((item) => context.params.add(item)).join(', ');
  });
}

/**
 * Request-written SQL (table calculations, custom SQL dimensions and metrics) runs as written, as in
 * Lightdash. It may not use `$1`-style placeholders: they would read the statement's bound values.
 */
export function checkUserSql(sql: string, field: string): void {
  const outsideStrings = sql.replace(/'(?:[^']|'')*'/g, "''");
  if (/\$\d/.test(outsideStrings)) throw new CompileError(`The SQL of ${field} cannot contain positional parameters such as $1`, field);
  if (sql.includes('\u0000')) throw new CompileError(`The SQL of ${field} contains a NUL character`, field);
}

/** `${…}` references in a template, with their position for replacement. */
export const TEMPLATE_REF = /\$\{([^}]*)\}/g;

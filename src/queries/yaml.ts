/** A small YAML writer for plain JSON values (single-quoted strings), enough for a custom metric's dbt block. */
export function yamlDump(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}[]\n`;
    return value
      .map((item) => {
        const inner = yamlDump(item, indent + 2).replace(/^\s+/, '');
        return `${pad}- ${inner}`;
      })
      .join('');
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return `${pad}{}\n`;
    return entries
      .map(([key, item]) => (item && typeof item === 'object' && (!Array.isArray(item) || item.length) && Object.keys(item).length ? `${pad}${mappingKey(key)}:\n${yamlDump(item, indent + 2)}` : `${pad}${mappingKey(key)}: ${yamlDump(item, 0).trim()}\n`))
      .join('');
  }
  return `${pad}${scalar(value)}\n`;
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `'${String(value).replace(/'/g, "''")}'`;
}

function mappingKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : scalar(key);
}

import { intervalSql, intervalType } from '../queries/compiler/time.js';

/**
 * The compiled explores of the demo shop, in the shape `lightdash deploy` uploads (PUT
 * /api/v1/projects/{p}/explores): every field with its `sql` and `compiledSql`, joins with
 * `compiledSqlOn`. Field ids are `<table>_<field>` (docs/install.md lists them).
 */

type Json = Record<string, unknown>;
type DimensionType = 'string' | 'number' | 'timestamp' | 'date' | 'boolean';

interface DimensionSpec {
  type: DimensionType;
  label: string;
  description: string;
  /** SQL over `${TABLE}`; the column of the same name when absent */
  sql?: string;
  /** date and timestamp dimensions: the intervals Lightdash generates for them */
  intervals?: string[];
}

interface MetricSpec {
  type: string;
  label: string;
  description: string;
  /** the metric's argument over `${TABLE}` */
  sql: string;
  format?: string;
  round?: number;
}

interface TableSpec {
  name: string;
  label: string;
  description: string;
  primaryKey: string;
  dimensions: Record<string, DimensionSpec>;
  metrics: Record<string, MetricSpec>;
}

const DATE_INTERVALS = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'];
const TIMESTAMP_INTERVALS = ['RAW', ...DATE_INTERVALS];

const TABLES: Record<string, TableSpec> = {
  orders: {
    name: 'orders',
    label: 'Orders',
    description: 'One row per order, including returned ones.',
    primaryKey: 'order_id',
    dimensions: {
      order_id: { type: 'number', label: 'Order ID', description: 'Primary key of the order.' },
      customer_id: { type: 'number', label: 'Customer ID', description: 'The customer who placed the order.' },
      product_id: { type: 'number', label: 'Product ID', description: 'The product ordered.' },
      status: { type: 'string', label: 'Status', description: 'placed, shipped, completed, return_pending or returned.' },
      ordered_at: { type: 'timestamp', label: 'Ordered at', description: 'When the order was placed (UTC).', intervals: TIMESTAMP_INTERVALS },
      quantity: { type: 'number', label: 'Quantity', description: 'Items in the order.' },
      amount: { type: 'number', label: 'Amount', description: 'Order total in EUR, after discount.' },
      is_completed: { type: 'boolean', label: 'Is completed', description: 'Delivered and not returned.', sql: "${TABLE}.status = 'completed'" },
    },
    metrics: {
      order_count: { type: 'count', label: 'Orders', description: 'Number of orders.', sql: '${TABLE}.order_id' },
      total_revenue: { type: 'sum', label: 'Total revenue', description: 'Sum of order amounts in EUR.', sql: '${TABLE}.amount', format: 'eur', round: 2 },
      average_order_value: { type: 'average', label: 'Average order value', description: 'Mean order amount in EUR.', sql: '${TABLE}.amount', format: 'eur', round: 2 },
      largest_order: { type: 'max', label: 'Largest order', description: 'Largest order amount in EUR.', sql: '${TABLE}.amount', format: 'eur' },
      total_quantity: { type: 'sum', label: 'Items sold', description: 'Sum of quantities.', sql: '${TABLE}.quantity' },
      ordering_customers: { type: 'count_distinct', label: 'Ordering customers', description: 'Distinct customers with an order.', sql: '${TABLE}.customer_id' },
    },
  },
  customers: {
    name: 'customers',
    label: 'Customers',
    description: 'One row per registered customer.',
    primaryKey: 'customer_id',
    dimensions: {
      customer_id: { type: 'number', label: 'Customer ID', description: 'Primary key of the customer.' },
      first_name: { type: 'string', label: 'First name', description: "The customer's first name." },
      last_name: { type: 'string', label: 'Last name', description: "The customer's last name." },
      email: { type: 'string', label: 'Email', description: "The customer's email address (example.com)." },
      country: { type: 'string', label: 'Country', description: 'Country of the billing address.' },
      created_at: { type: 'timestamp', label: 'Signed up at', description: 'When the customer registered (UTC).', intervals: TIMESTAMP_INTERVALS },
      is_subscribed: { type: 'boolean', label: 'Is subscribed', description: 'Subscribed to the newsletter.' },
    },
    metrics: {
      customer_count: { type: 'count_distinct', label: 'Customers', description: 'Number of customers.', sql: '${TABLE}.customer_id' },
      first_signup: { type: 'min', label: 'First signup', description: 'Earliest registration.', sql: '${TABLE}.created_at' },
    },
  },
  products: {
    name: 'products',
    label: 'Products',
    description: 'The catalogue.',
    primaryKey: 'product_id',
    dimensions: {
      product_id: { type: 'number', label: 'Product ID', description: 'Primary key of the product.' },
      name: { type: 'string', label: 'Product', description: 'Product name.' },
      category: { type: 'string', label: 'Category', description: 'Kitchen, Bags, Home, Shoes, Clothing, Stationery, Electronics, Accessories or Garden.' },
      price: { type: 'number', label: 'Price', description: 'List price in EUR.' },
      launched_on: { type: 'date', label: 'Launched on', description: 'Date the product went on sale.', intervals: DATE_INTERVALS },
    },
    metrics: {
      product_count: { type: 'count_distinct', label: 'Products', description: 'Number of products.', sql: '${TABLE}.product_id' },
      average_price: { type: 'average', label: 'Average price', description: 'Mean list price in EUR.', sql: '${TABLE}.price', format: 'eur', round: 2 },
    },
  },
  payments: {
    name: 'payments',
    label: 'Payments',
    description: 'Payments of shipped and completed orders; a few orders are paid in two parts.',
    primaryKey: 'payment_id',
    dimensions: {
      payment_id: { type: 'number', label: 'Payment ID', description: 'Primary key of the payment.' },
      order_id: { type: 'number', label: 'Order ID', description: 'The order paid.' },
      payment_method: { type: 'string', label: 'Payment method', description: 'credit_card, paypal, bank_transfer or gift_card.' },
      amount: { type: 'number', label: 'Amount', description: 'Amount paid in EUR.' },
      paid_at: { type: 'timestamp', label: 'Paid at', description: 'When the payment was captured (UTC).', intervals: TIMESTAMP_INTERVALS },
      is_refunded: { type: 'boolean', label: 'Is refunded', description: 'Refunded after a return.' },
    },
    metrics: {
      payment_count: { type: 'count', label: 'Payments', description: 'Number of payments.', sql: '${TABLE}.payment_id' },
      total_paid: { type: 'sum', label: 'Total paid', description: 'Sum of payment amounts in EUR.', sql: '${TABLE}.amount', format: 'eur', round: 2 },
    },
  },
};

interface JoinSpec {
  table: string;
  on: [string, string];
  relationship: 'many-to-one' | 'one-to-many';
}

const EXPLORES: { name: string; joins: JoinSpec[] }[] = [
  {
    name: 'orders',
    joins: [
      { table: 'customers', on: ['orders.customer_id', 'customers.customer_id'], relationship: 'many-to-one' },
      { table: 'products', on: ['orders.product_id', 'products.product_id'], relationship: 'many-to-one' },
      { table: 'payments', on: ['orders.order_id', 'payments.order_id'], relationship: 'one-to-many' },
    ],
  },
  { name: 'customers', joins: [{ table: 'orders', on: ['customers.customer_id', 'orders.customer_id'], relationship: 'one-to-many' }] },
  { name: 'products', joins: [] },
  { name: 'payments', joins: [{ table: 'orders', on: ['payments.order_id', 'orders.order_id'], relationship: 'many-to-one' }] },
];

const compile = (sql: string, table: string) => sql.replaceAll('${TABLE}', `"${table}"`);
const columnRef = (ref: string) => {
  const [table, column] = ref.split('.');
  return { sql: `\${${table}.${column}}`, compiled: `("${table}".${column})` };
};

function dimensions(table: TableSpec): Json {
  const out: Json = {};
  for (const [name, spec] of Object.entries(table.dimensions)) {
    const sql = spec.sql ?? `\${TABLE}.${name}`;
    const base = {
      fieldType: 'dimension',
      type: spec.type,
      name,
      label: spec.label,
      description: spec.description,
      table: table.name,
      tableLabel: table.label,
      sql,
      compiledSql: compile(sql, table.name),
      tablesReferences: [table.name],
      hidden: false,
    };
    if (!spec.intervals) {
      out[name] = base;
      continue;
    }
    out[name] = { ...base, isIntervalBase: true };
    for (const interval of spec.intervals) {
      if (interval === 'RAW') continue;
      const intervalName = `${name}_${interval.toLowerCase()}`;
      out[intervalName] = {
        ...base,
        type: intervalType(interval, spec.type),
        name: intervalName,
        label: `${spec.label} ${interval.toLowerCase()}`,
        sql: intervalSql(interval, sql),
        compiledSql: intervalSql(interval, compile(sql, table.name)),
        timeInterval: interval,
        timeIntervalBaseDimensionName: name,
        groups: [name],
      };
    }
  }
  return out;
}

function metrics(table: TableSpec): Json {
  const out: Json = {};
  for (const [name, spec] of Object.entries(table.metrics)) {
    out[name] = {
      fieldType: 'metric',
      type: spec.type,
      name,
      label: spec.label,
      description: spec.description,
      table: table.name,
      tableLabel: table.label,
      sql: spec.sql,
      compiledSql: compile(spec.sql, table.name),
      tablesReferences: [table.name],
      hidden: false,
      isAutoGenerated: false,
      ...(spec.format ? { format: spec.format } : {}),
      ...(spec.round !== undefined ? { round: spec.round } : {}),
    };
  }
  return out;
}

function compiledTable(table: TableSpec, schema: string, database: string): Json {
  return {
    name: table.name,
    label: table.label,
    description: table.description,
    database,
    schema,
    sqlTable: `"${schema}"."${table.name}"`,
    primaryKey: [table.primaryKey],
    orderFieldsBy: 'LABEL',
    dimensions: dimensions(table),
    metrics: metrics(table),
    lineageGraph: {},
    groupLabel: 'Demo shop',
  };
}

/** The demo explores for the tables in `schema` of `database` (the upload body, an array). */
export function demoExplores(schema: string, database: string): Json[] {
  return EXPLORES.map(({ name, joins }) => {
    const tables = [name, ...joins.map((join) => join.table)];
    return {
      name,
      label: TABLES[name].label,
      tags: ['demo'],
      groupLabel: 'Demo shop',
      baseTable: name,
      joinedTables: joins.map((join) => {
        const [left, right] = join.on.map(columnRef);
        return {
          table: join.table,
          sqlOn: `${left.sql} = ${right.sql}`,
          compiledSqlOn: `${left.compiled} = ${right.compiled}`,
          type: 'left',
          relationship: join.relationship,
          tablesReferences: [name, join.table],
        };
      }),
      tables: Object.fromEntries(tables.map((table) => [table, compiledTable(TABLES[table], schema, database)])),
      targetDatabase: 'postgres',
      ymlPath: `models/${name}.yml`,
      sqlPath: `models/${name}.sql`,
      type: 'default',
    };
  });
}

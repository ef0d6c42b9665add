/**
 * The rows a statement returned through `EntityManager.query`: TypeORM answers an UPDATE or
 * DELETE … RETURNING with [rows, rowCount], any other statement with the rows.
 */
export function returnedRows<T>(result: T[] | [T[], number]): T[] {
  return Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

/**
 * A member or grant as Lightdash's v1 routes show it: `roleUuid` only when the role is a custom role
 * (then `role` is the placeholder), absent otherwise.
 */
export function withoutAbsentRoleUuid<T extends { roleUuid?: string | null }>({ roleUuid, ...member }: T): T {
  return (roleUuid ? { ...member, roleUuid } : member) as T;
}

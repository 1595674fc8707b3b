import type { Role } from '../api';
import type { RouteId } from './router';

export interface NavItem {
  id: RouteId;
  /** Roles that see the item. Cosmetic only: the registry checks every command's roles itself. */
  roles?: readonly Role[];
  /** Not built yet: the page explains what will be there. */
  planned?: boolean;
}

export const NAV: readonly NavItem[] = [
  { id: 'home' },
  { id: 'exams' },
  { id: 'attendance' },
  { id: 'scoring' },
  { id: 'results', roles: ['coordinator', 'chair', 'observer'] },
  { id: 'documents', roles: ['coordinator', 'chair', 'examiner', 'observer'] },
  { id: 'bundles', roles: ['coordinator', 'observer'] },
  { id: 'sanggah', roles: ['coordinator', 'clerk', 'observer'] },
  { id: 'audit', roles: ['coordinator', 'chair', 'observer'] },
  { id: 'users', roles: ['coordinator', 'observer'] },
];

export function canSee(item: NavItem, role: Role | undefined): boolean {
  return !item.roles || (role !== undefined && item.roles.includes(role));
}

export function navItem(id: RouteId): NavItem | undefined {
  return NAV.find((n) => n.id === id);
}

import { v7 } from 'uuid';

/** Sortable random ids (UUIDv7): rows made on different workstations merge without collisions. */
export function newId(): string {
  return v7();
}

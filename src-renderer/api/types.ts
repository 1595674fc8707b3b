// Shapes of the values the commands answer. Type-only imports from the main side: nothing of it is bundled.
import type { Account } from '../../src-main/core/accounts/accounts';
import type { Role } from '../../src-main/core/accounts/roles';
import type { AuditEvent, ChainHead, VerifyResult } from '../../src-main/core/audit/chain';
import type { ErrorBody, Result } from '../../src-main/api/result';
import type { LenteraBridge } from '../../src-main/preload/bridge';

export type { Account, AuditEvent, ChainHead, ErrorBody, Result, Role, VerifyResult };

export const ROLES: readonly Role[] = ['coordinator', 'chair', 'examiner', 'clerk', 'observer'];

export interface SystemStatus {
  initialised: boolean;
  canInit?: boolean;
  workstationId: string | null;
  version: string;
  schemaVersion: number;
  chainHead: ChainHead;
  principal: { name: string; role: Role | 'local' } | null;
}

export interface LoginValue {
  /** Present over HTTP only: the Electron main process keeps the token for its window. */
  token?: string;
  expiresAt: string;
  account: Account;
}

/** What the Electron preload exposes on `window.lentera`, and nothing more. */
export type { LenteraBridge };

declare global {
  interface Window {
    lentera?: LenteraBridge;
  }
}

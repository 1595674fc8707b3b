import { create } from 'zustand';
import { api, isLockedStatus, type Account, type ChainHead, type DemoValue, type ErrorBody, type LockedStatus, type OpenStatus } from '../api';
import { navigate } from './router';
import { i18n, storeLanguage, storedLanguage, type Language } from '../i18n';

export type Notice = 'created' | 'demoCreated' | 'sessionEnded' | 'loggedOut' | 'unlocked' | 'unlockedNewPassphrase' | null;

/** A workstation just created encrypted: its recovery key's words, until the person has written them down. */
export interface RecoveryShown {
  words: string[];
  adminName: string;
}

interface SessionState {
  booting: boolean;
  bootError: ErrorBody | null;
  status: OpenStatus | null;
  /** Set while the workstation is encrypted and waits for its passphrase (then `status` is null). */
  locked: LockedStatus | null;
  head: ChainHead | null;
  account: Account | null;
  notice: Notice;
  /** Login name to put in the login form (after the first-run setup). */
  suggestedName: string;
  /** The demo venue just created: its accounts and PINs, shown once until the person goes on to log in. */
  demo: DemoValue | null;
  /**
   * The recovery key of the workstation just created, shown once: only here, only until `recoveryDone` (never in
   * storage; a reload loses it, which the screen says).
   */
  recovery: RecoveryShown | null;
  boot(): Promise<void>;
  refreshStatus(): Promise<void>;
  setHead(head: ChainHead): void;
  workstationCreated(adminName: string): Promise<void>;
  encryptedWorkstationCreated(adminName: string, recoveryKey: string): void;
  recoveryDone(): Promise<void>;
  unlocked(newPassphrase: boolean): Promise<void>;
  demoCreated(demo: DemoValue): void;
  demoDone(): Promise<void>;
  loggedIn(account: Account): void;
  accountChanged(account: Account): void;
  logout(): Promise<void>;
  sessionEnded(): void;
  clearNotice(): void;
}

function newer(current: ChainHead | null, next: ChainHead): ChainHead {
  return current && current.seq > next.seq ? current : next;
}

export const useSession = create<SessionState>()((set, get) => ({
  booting: true,
  bootError: null,
  status: null,
  locked: null,
  head: null,
  account: null,
  notice: null,
  suggestedName: '',
  demo: null,
  recovery: null,

  async boot() {
    set({ booting: true, bootError: null });
    const status = await api.invoke('system.status');
    if (!status.ok) {
      set({ booting: false, bootError: status.error });
      return;
    }
    const s = status.value;
    if (isLockedStatus(s)) {
      set({ booting: false, status: null, locked: s, head: null, account: null });
      return;
    }
    let account: Account | null = null;
    if (s.initialised && s.principal && s.principal.role !== 'local') {
      const me = await api.invoke('accounts.me');
      if (me.ok) account = me.value;
    }
    set({ booting: false, status: s, locked: null, head: newer(get().head, s.chainHead), account });
  },

  async refreshStatus() {
    const asked = api.sessionEpoch;
    const status = await api.invoke('system.status');
    if (!status.ok) return;
    const s = status.value;
    if (isLockedStatus(s)) {
      set({ locked: s });
      return;
    }
    // Unlocked meanwhile (in another window or tab): start again from the login.
    if (get().locked) return get().boot();
    set({ status: s, head: newer(get().head, s.chainHead) });
    // Asked before a login, the status names nobody: that says nothing of the session the login began.
    if (get().account && !s.principal && api.sessionEpoch === asked) get().sessionEnded();
  },

  setHead(head) {
    set({ head: newer(get().head, head) });
  },

  async workstationCreated(adminName) {
    set({ suggestedName: adminName, head: null });
    await get().boot();
    set({ notice: 'created' });
  },

  encryptedWorkstationCreated(adminName, recoveryKey) {
    set({ recovery: { words: recoveryKey.split(' '), adminName } });
  },

  async recoveryDone() {
    const adminName = get().recovery?.adminName ?? '';
    // The words leave the store with the screen that showed them.
    set({ recovery: null });
    await get().workstationCreated(adminName);
  },

  async unlocked(newPassphrase) {
    await get().boot();
    set({ notice: newPassphrase ? 'unlockedNewPassphrase' : 'unlocked' });
  },

  demoCreated(demo) {
    set({ demo });
  },

  async demoDone() {
    set({ demo: null, suggestedName: 'koordinator', head: null });
    await get().boot();
    set({ notice: 'demoCreated' });
  },

  loggedIn(account) {
    set({ account, notice: null, suggestedName: account.name });
  },

  accountChanged(account) {
    set({ account });
  },

  async logout() {
    await api.invoke('accounts.logout');
    set({ account: null, notice: 'loggedOut' });
    navigate('home'); // the next person starts at home, not on the page the last one left open
  },

  sessionEnded() {
    if (get().account) set({ account: null, notice: 'sessionEnded' });
  },

  clearNotice() {
    set({ notice: null });
  },
}));

interface PrefsState {
  language: Language;
  setLanguage(lang: Language): void;
}

export const usePrefs = create<PrefsState>()((set) => ({
  language: storedLanguage(),
  setLanguage(language) {
    storeLanguage(language);
    void i18n.changeLanguage(language);
    set({ language });
  },
}));

let wired = false;

/** Connects the stores to the live events and to every command's answer. Called once, at start-up. */
export function wireSession(): void {
  if (wired) return;
  wired = true;
  const store = useSession.getState;
  api.subscribe('audit.head', (data) => {
    const h = data as Partial<ChainHead> | null;
    if (h && typeof h.seq === 'number' && typeof h.hash === 'string') store().setHead({ seq: h.seq, hash: h.hash });
  });
  api.subscribe('transport.open', () => void store().refreshStatus());
  // Unlocked from another window or tab: this one goes on to the login as well.
  api.subscribe('workstation.unlocked', () => {
    if (store().locked) void store().boot();
  });
  let pending: ReturnType<typeof setTimeout> | undefined;
  api.onAfterCommand((command, result, current) => {
    if (current && !result.ok && result.error.code === 'UNAUTHENTICATED' && command !== 'accounts.logout') store().sessionEnded();
    // The head moves after most commands (refusals are audited too): read it again, once per burst.
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = undefined;
      void store().refreshStatus();
    }, 50);
  });
}


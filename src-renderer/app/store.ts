import { create } from 'zustand';
import { api, type Account, type ChainHead, type DemoValue, type ErrorBody, type SystemStatus } from '../api';
import { navigate } from './router';
import { i18n, storeLanguage, storedLanguage, type Language } from '../i18n';

export type Notice = 'created' | 'demoCreated' | 'sessionEnded' | 'loggedOut' | null;

interface SessionState {
  booting: boolean;
  bootError: ErrorBody | null;
  status: SystemStatus | null;
  head: ChainHead | null;
  account: Account | null;
  notice: Notice;
  /** Login name to put in the login form (after the first-run setup). */
  suggestedName: string;
  /** The demo venue just created: its accounts and PINs, shown once until the person goes on to log in. */
  demo: DemoValue | null;
  boot(): Promise<void>;
  refreshStatus(): Promise<void>;
  setHead(head: ChainHead): void;
  workstationCreated(adminName: string): Promise<void>;
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
  head: null,
  account: null,
  notice: null,
  suggestedName: '',
  demo: null,

  async boot() {
    set({ booting: true, bootError: null });
    const status = await api.invoke('system.status');
    if (!status.ok) {
      set({ booting: false, bootError: status.error });
      return;
    }
    const s = status.value;
    let account: Account | null = null;
    if (s.initialised && s.principal && s.principal.role !== 'local') {
      const me = await api.invoke('accounts.me');
      if (me.ok) account = me.value;
    }
    set({ booting: false, status: s, head: newer(get().head, s.chainHead), account });
  },

  async refreshStatus() {
    const status = await api.invoke('system.status');
    if (!status.ok) return;
    const s = status.value;
    set({ status: s, head: newer(get().head, s.chainHead) });
    if (get().account && !s.principal) get().sessionEnded();
  },

  setHead(head) {
    set({ head: newer(get().head, head) });
  },

  async workstationCreated(adminName) {
    set({ suggestedName: adminName, head: null });
    await get().boot();
    set({ notice: 'created' });
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
  let pending: ReturnType<typeof setTimeout> | undefined;
  api.onAfterCommand((command, result) => {
    if (!result.ok && result.error.code === 'UNAUTHENTICATED' && command !== 'accounts.logout') store().sessionEnded();
    // The head moves after most commands (refusals are audited too): read it again, once per burst.
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = undefined;
      void store().refreshStatus();
    }, 50);
  });
}


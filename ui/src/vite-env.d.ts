/// <reference types="svelte" />
/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Seconds of inactivity before staff mode locks (default 120). */
  readonly VITE_LOCK_AFTER_S?: string;
  /** Seconds of inactivity before patient mode locks (default 600). */
  readonly VITE_PATIENT_LOCK_AFTER_S?: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}

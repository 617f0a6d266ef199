// Runtime settings. Lock timeouts come from the build environment (VITE_LOCK_AFTER_S,
// VITE_PATIENT_LOCK_AFTER_S); in e2e mode they are short and a test may override them with the
// URL query `?lockAfterS=N` (ignored in every other mode).

export interface LockConfig {
  staffMs: number;
  patientMs: number;
}

export function parseSeconds(raw: string | null | undefined, fallback: number): number {
  if (raw === null || raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export function lockConfig(
  env: { MODE: string; VITE_LOCK_AFTER_S?: string; VITE_PATIENT_LOCK_AFTER_S?: string },
  search: string,
): LockConfig {
  const e2e = env.MODE === 'e2e';
  let staffS = parseSeconds(env.VITE_LOCK_AFTER_S, e2e ? 20 : 120);
  let patientS = parseSeconds(env.VITE_PATIENT_LOCK_AFTER_S, e2e ? 20 : 600);
  if (e2e) {
    const override = new URLSearchParams(search).get('lockAfterS');
    staffS = parseSeconds(override, staffS);
    patientS = parseSeconds(override, patientS);
  }
  return { staffMs: staffS * 1000, patientMs: patientS * 1000 };
}

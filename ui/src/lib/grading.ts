// Clavien-Dindo: the `d` flag (present at discharge) is allowed with I–IVb, not with none or V
// (instruments.md, Clavien-Dindo). The backend enforces it too; the UI disables the checkbox.

import type { ClavienDindoGrade } from '../ipc/types';

export function dAllowed(grade: ClavienDindoGrade | '' | undefined): boolean {
  return !!grade && grade !== 'none' && grade !== 'V';
}

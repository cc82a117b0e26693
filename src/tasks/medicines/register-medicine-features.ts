import type { ButtonActionRegistry, ChatCommandRegistry } from '../button-actions.ts';
import { MedicineChangeButtons, medicineTimeCommand, medicinesCommand, type MedicineChangeDeps } from './medicine-changes.ts';

/** Registers `/medicines` and `/medtime` and their Pause/Resume/Stop/new-time buttons (prefix `med`). */
export function registerMedicineFeatures(deps: MedicineChangeDeps & { buttons: ButtonActionRegistry; commands: ChatCommandRegistry }): void {
  deps.commands.register(medicinesCommand(deps)).register(medicineTimeCommand(deps));
  deps.buttons.register(new MedicineChangeButtons(deps));
}

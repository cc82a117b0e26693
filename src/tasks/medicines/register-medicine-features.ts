import type { ButtonActionRegistry, ChatCommandRegistry } from '../button-actions.ts';
import { MedicineChangeButtons, medicineTimeCommand, medicinesCommand, type MedicineChangeDeps } from './medicine-changes.ts';
import { MedicineDoseButtons, medicineDoseCommand } from './medicine-dose.ts';

/** Registers `/medicines`, `/medtime` and `/meddose` and their Pause/Resume/Stop/new-time (prefix `med`) and new-dose (prefix `meddose`) buttons. */
export function registerMedicineFeatures(deps: MedicineChangeDeps & { buttons: ButtonActionRegistry; commands: ChatCommandRegistry }): void {
  deps.commands.register(medicinesCommand(deps)).register(medicineTimeCommand(deps)).register(medicineDoseCommand(deps));
  deps.buttons.register(new MedicineChangeButtons(deps)).register(new MedicineDoseButtons(deps));
}

export { HotkeyService, HOTKEY_FUNCTIONS, cleanSelection, selectionProblem, type HotkeyFunction, type HotkeySettings, type HotkeyState, type HotkeyStatus, type HotkeyServiceOptions } from './service';
export type * from './ports';
